"""The README's quick-start, runnable: train, write a policy, route, read the decision.

Run:  python examples/quickstart.py
"""

import hybridroute as hr
from hybridroute.datasets import load_banking77

texts, intents = load_banking77("train", return_X_y=True)

clf = hr.IntentClassifier().fit(texts, intents)
router = hr.Router(
    classifiers=[clf, hr.ComplexityScorer(), hr.HumanRequestDetector(), hr.RiskTopicDetector()],
    policy=hr.Policy(
        [
            hr.rule(
                hr.signal("human_request"),
                hr.handoff("general", reason="customer asked for a human"),
            ),
            hr.rule(
                hr.signal("risk_topic").isin({"fraud", "dispute"}),
                hr.handoff("risk", priority="high"),
            ),
            hr.rule(
                (hr.signal("intent").confidence >= 0.9) & (hr.signal("complexity") < 0.5),
                hr.auto_reply(),
            ),
        ],
        default=hr.handoff("general"),
    ),
    responder=hr.TemplateResponder(
        {"card_arrival": "Cards arrive within 3-5 working days; track yours under Cards."}
    ),
)

for body in [
    "I still haven't received my card",
    "Someone used my card without my permission, this is fraud",
    "Can I speak to a real person please?",
]:
    decision = router.route(hr.Ticket(id="T-1", body=body))
    print(f"\n{body!r}\n  -> {decision.action.value} (rule {decision.rule})")
    print("  reasons:", "; ".join(decision.reasons))
    if decision.reply:
        print("  reply:", decision.reply.text.replace("\n", " "))
    if decision.handoff:
        print(f"  queue: {decision.handoff.queue}, priority: {decision.handoff.priority.value}")
