"""A classifier that replays signals computed earlier, so a model scores each ticket once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hybridroute.exceptions import ClassifierError
from hybridroute.models import Signal, Ticket

__all__ = ["PrecomputedSignals"]


class PrecomputedSignals:
    """Looks each ticket's signal up by ticket id.

    Comparing several policies on one history needs the (possibly slow) model to
    score each ticket only once: score them, then route them through each policy
    with this classifier in the model's place.

    Parameters
    ----------
    signals : mapping of str to Signal
        The signal of each ticket, by ticket id.
    name : str
        Name of the signal it produces (the name the policy reads).

    Raises
    ------
    ClassifierError
        From :meth:`score`, for a ticket whose id has no stored signal (the router
        then hands that ticket to a human, as for any classifier failure).

    Examples
    --------
    >>> import hybridroute as hr
    >>> sig = hr.IntentSignal(label="refund", confidence=0.9, margin=0.8)
    >>> clf = PrecomputedSignals({"T-1": sig})
    >>> clf.score([hr.Ticket(id="T-1", body="refund please")])[0].label
    'refund'
    """

    def __init__(self, signals: Mapping[str, Signal], *, name: str = "intent") -> None:
        self.signals = dict(signals)
        self.name = name

    def __repr__(self) -> str:
        return f"PrecomputedSignals({len(self.signals)} tickets, name={self.name!r})"

    def score(self, tickets: Sequence[Ticket]) -> list[Signal]:
        """The stored signal of each ticket, in order."""
        missing = [t.id for t in tickets if t.id not in self.signals]
        if missing:
            shown = ", ".join(repr(i) for i in missing[:5])
            raise ClassifierError(
                f"no precomputed {self.name!r} signal for {len(missing)} ticket(s): {shown}"
            )
        return [self.signals[t.id] for t in tickets]
