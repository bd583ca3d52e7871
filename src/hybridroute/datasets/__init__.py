"""Real customer-service intent data sets, shipped with the package.

In the style of :mod:`sklearn.datasets`: each loader returns a :class:`Dataset`
(tickets, labels, label names, description), or ``(texts, labels)`` with
``return_X_y=True``. The data are compressed copies, with their licences, of

* **BANKING77** (Casanueva et al., 2020; CC BY 4.0): 13,083 online-banking
  queries over 77 intents, split 10,003 train / 3,080 test.
* **CLINC150** (Larson et al., 2019; CC BY 3.0): 23,700 queries over 150 intents
  in 10 domains, plus 1,200 out-of-scope queries labelled ``"oos"``.

Both licences require attribution: see ``ATTRIBUTION`` and the ``LICENSE`` and
``SOURCE.md`` files beside the data.
"""

from hybridroute.datasets._loaders import (
    ATTRIBUTION,
    OUT_OF_SCOPE,
    Dataset,
    load_banking77,
    load_clinc150,
)

__all__ = ["ATTRIBUTION", "OUT_OF_SCOPE", "Dataset", "load_banking77", "load_clinc150"]
