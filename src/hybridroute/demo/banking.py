"""A ready-made routing setup for BANKING77: templates, queues and a policy.

It is what ``hybridroute demo`` runs, and a worked example of a policy a bank's
support team might write: answer routine questions, never automate anything
touching fraud, lost cards or money that went missing, and let frustrated or
complicated customers reach a person.
"""

from __future__ import annotations

from hybridroute.models import Priority
from hybridroute.policy import Condition, Policy, auto_reply, handoff, rule, signal
from hybridroute.responders import TemplateResponder

__all__ = [
    "ALPHA",
    "AUTO_REPLY_MIN_CONFIDENCE",
    "DELTA",
    "MONEY_PROBLEM_INTENTS",
    "RISKY_INTENTS",
    "TEMPLATES",
    "banking_policy",
    "banking_responder",
]

#: Confidence required to answer automatically when no certified threshold is given.
#: ``hybridroute demo`` does not use it: it certifies a threshold from data (below).
AUTO_REPLY_MIN_CONFIDENCE = 0.8

#: The demo's promise: at most ALPHA of automated answers wrong, with probability 1 - DELTA.
ALPHA = 0.02
DELTA = 0.1

#: Frustration (sentiment signal) above which a person answers.
FRUSTRATION_LIMIT = 0.7

#: Complexity above which a person answers.
COMPLEXITY_LIMIT = 0.7

#: Intents that always go to the risk team: possible fraud or lost means of payment.
RISKY_INTENTS = frozenset(
    {
        "compromised_card",
        "lost_or_stolen_card",
        "lost_or_stolen_phone",
        "card_payment_not_recognised",
        "cash_withdrawal_not_recognised",
        "direct_debit_payment_not_recognised",
        "transaction_charged_twice",
        "card_swallowed",
        "wrong_amount_of_cash_received",
    }
)

#: Intents about money that did not arrive or was taken wrongly: a person checks the account.
MONEY_PROBLEM_INTENTS = frozenset(
    {
        "request_refund",
        "Refund_not_showing_up",
        "transfer_not_received_by_recipient",
        "failed_transfer",
        "balance_not_updated_after_bank_transfer",
        "balance_not_updated_after_cheque_or_cash_deposit",
        "top_up_failed",
        "top_up_reverted",
        "reverted_card_payment?",
        "extra_charge_on_statement",
        "card_payment_wrong_exchange_rate",
        "wrong_exchange_rate_for_cash_withdrawal",
        "cancel_transfer",
        "unable_to_verify_identity",
        "verify_source_of_funds",
        "terminate_account",
    }
)

#: Answers for the routine intents. Placeholders use ticket fields.
TEMPLATES: dict[str, str] = {
    "card_arrival": "Cards usually arrive within 3-5 working days of ordering (up to 3 weeks abroad). "
    "You can follow the delivery under Card > Track delivery in the app.",
    "card_delivery_estimate": "Standard delivery takes 3-5 working days; express delivery takes 1-2.",
    "card_linking": "To link a card you already hold, open Cards > Add existing card and enter the "
    "card details shown on the back.",
    "activate_my_card": "To activate your card, open Cards in the app, tap the new card and enter the "
    "six-digit code printed on the letter it came with.",
    "exchange_rate": "We use the wholesale interbank rate, updated live in the app under Exchange.",
    "exchange_via_app": "Open Exchange in the app, pick the two currencies and the amount, and confirm.",
    "exchange_charge": "Exchanges are free up to your plan's monthly allowance; beyond it a 0.5% fee "
    "applies, shown before you confirm.",
    "fiat_currency_support": "You can hold and exchange over 30 currencies; the full list is in "
    "the app under Accounts > Add currency.",
    "supported_cards_and_currencies": "We accept Visa and Mastercard debit and credit cards in all "
    "the currencies listed under Accounts > Add currency.",
    "visa_or_mastercard": "Our cards are issued on the Mastercard network, accepted worldwide.",
    "country_support": "We serve customers resident in the EEA, the UK, Switzerland and the USA.",
    "age_limit": "You need to be at least 18 to open an account.",
    "automatic_top_up": "Turn on Auto top-up under Accounts > Top up: pick a threshold and an "
    "amount and we top up whenever your balance falls below it.",
    "top_up_limits": "You can top up up to 10,000 in your account currency per day.",
    "top_up_by_bank_transfer_charge": "Top-ups by bank transfer are free.",
    "top_up_by_card_charge": "Top-ups by card are free for cards issued in the EEA; other cards "
    "carry a 0.7% fee, shown before you confirm.",
    "top_up_by_cash_or_cheque": "We don't accept cash or cheques; top up by card or bank transfer.",
    "topping_up_by_card": "Open Top up in the app, choose Card, and enter the amount.",
    "verify_top_up": "For your first card top-up we may charge a small verification amount; "
    "enter it in the app to confirm the card is yours.",
    "pending_top_up": "Card top-ups are usually instant; bank transfers take up to 1 working day.",
    "card_acceptance": "Your card works wherever Mastercard is accepted, in shops and online.",
    "card_not_working": "Please check that the card is activated and not frozen under Cards in "
    "the app, and that the payment type (online, contactless) is switched on.",
    "contactless_not_working": "For security, the first payment on a new card must use the chip "
    "and PIN; contactless works after that.",
    "virtual_card_not_working": "Check the virtual card isn't frozen or expired in the app; a "
    "disposable card is used up after one payment.",
    "getting_virtual_card": "Create a virtual card instantly under Cards > New virtual card.",
    "get_disposable_virtual_card": "Create a disposable card under Cards > New virtual card > "
    "Disposable; its details change after each payment.",
    "disposable_card_limits": "You can create up to 20 disposable cards a day.",
    "get_physical_card": "Order a physical card under Cards > Order card.",
    "order_physical_card": "Order a physical card under Cards > Order card; delivery takes 3-5 days.",
    "getting_spare_card": "You can order an additional card under Cards > Order card.",
    "card_about_to_expire": "We send a new card automatically a month before yours expires.",
    "apple_pay_or_google_pay": "Add your card to Apple Pay or Google Pay from Cards > Add to wallet.",
    "atm_support": "Our card works at any ATM that shows the Mastercard logo.",
    "cash_withdrawal_charge": "Withdrawals are free up to your plan's monthly allowance; beyond it "
    "a 2% fee applies.",
    "card_payment_fee_charged": "Card payments in your account currency are free; other currencies "
    "may carry an exchange fee beyond your allowance.",
    "transfer_fee_charged": "Transfers in the same currency are free; international transfers "
    "show their fee before you confirm.",
    "transfer_timing": "Transfers within the same network are instant; international transfers "
    "take 1-3 working days.",
    "transfer_into_account": "Use the account details under Accounts > Details to receive a transfer.",
    "receiving_money": "Share the account details under Accounts > Details; payments in arrive "
    "within a working day.",
    "beneficiary_not_allowed": "Some recipients can't be added for compliance reasons; check the "
    "details and try again, or contact us if it persists.",
    "pin_blocked": "Unblock your PIN at any ATM under PIN services, or in the app under Cards > "
    "Security.",
    "change_pin": "Change your PIN at any ATM that offers PIN services.",
    "passcode_forgotten": "Tap 'Forgot passcode' on the login screen to reset it by email and SMS.",
    "edit_personal_details": "Edit your details under Profile > Personal details; some changes "
    "need a photo of a document.",
    "why_verify_identity": "The law requires us to verify every customer's identity to prevent "
    "fraud and money laundering.",
    "verify_my_identity": "Verify your identity under Profile > Verify: a photo of your ID and a "
    "selfie are all it takes.",
    "pending_card_payment": "Card payments show as pending until the merchant confirms them, "
    "usually within a few days.",
    "pending_cash_withdrawal": "Cash withdrawals stay pending until the ATM operator confirms "
    "them, usually within 2 working days.",
    "pending_transfer": "Transfers can stay pending for up to 1 working day while they clear.",
    "declined_card_payment": "Payments are declined when the balance is too low, the card is "
    "frozen, or the payment type is switched off: check Cards in the app.",
    "declined_transfer": "Transfers are declined when the balance is too low or a check is "
    "needed; the reason shows in the transaction details.",
    "declined_cash_withdrawal": "Withdrawals are declined when the balance is too low, the "
    "daily limit is reached, or the PIN was wrong.",
}

_RISK_TOPICS = {"fraud", "unauthorised_transaction", "legal", "vulnerable_customer"}


def banking_responder() -> TemplateResponder:
    """The demo's template responder."""
    return TemplateResponder(TEMPLATES, name="banking-templates")


def banking_policy(confident: Condition | None = None) -> Policy:
    """The demo's policy. Rules are tried top to bottom; the first that matches decides.

    Parameters
    ----------
    confident : Condition, optional
        When the intent is certain enough to answer: a certified threshold
        (``CalibrationResult.condition()``), or by default intent confidence of at
        least :data:`AUTO_REPLY_MIN_CONFIDENCE`.
    """
    intent = signal("intent")
    if confident is None:
        confident = intent.confidence >= AUTO_REPLY_MIN_CONFIDENCE
    return Policy(
        [
            rule(
                signal("human_request"),
                handoff("general", reason="customer asked for a human"),
                name="asked-for-human",
            ),
            rule(
                signal("risk_topic").isin(_RISK_TOPICS) | intent.label.isin(RISKY_INTENTS),
                handoff("risk", priority=Priority.HIGH, tags=["risk"]),
                name="risky",
            ),
            rule(
                intent.label.isin(MONEY_PROBLEM_INTENTS),
                handoff("payments", tags=["account-check"]),
                name="money-problem",
            ),
            rule(
                signal("sentiment") >= FRUSTRATION_LIMIT,
                handoff("general", priority=Priority.HIGH, reason="customer is frustrated"),
                name="frustrated",
            ),
            rule(
                signal("complexity") >= COMPLEXITY_LIMIT,
                handoff("general", reason="request looks complex"),
                name="complex",
            ),
            rule(
                confident & intent.label.isin(TEMPLATES),
                auto_reply(),
                name="confident-routine",
            ),
        ],
        default=handoff("general", reason="not confident enough to answer automatically"),
        name="banking-demo",
        version="1",
    )
