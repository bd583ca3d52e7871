"""Make this example's modules importable when pytest runs from the repository root.

In your own project, install your package instead (``pip install -e .``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
