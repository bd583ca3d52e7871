from hypothesis import given, settings, HealthCheck
import hybridroute as hr
from hybridroute.testing.strategies import tickets, texts, signals

@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(tickets(), signals())
def test_big(ticket, sig):
    assert ticket.text.strip()
    assert hr.Ticket.model_validate_json(ticket.model_dump_json()) == ticket

@settings(max_examples=3000, deadline=None)
@given(texts(min_size=1, max_size=3))
def test_small_texts(t):
    assert 1 <= len(t) <= 3 and t.strip()
