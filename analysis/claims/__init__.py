"""Stage 2, the claims: an article's claims as data (``data/claims/<article>.yaml``).

* :mod:`~analysis.kinds.params`: parameter types the kinds share (``Window``);
* :mod:`~analysis.claims.model`: ``Claim``, ``Article``, ``Registry``, the JSON Schema;
* :mod:`~analysis.claims.loader`: :func:`load_claims`, strict YAML and one-line errors.

The kinds a claim may name, with their parameter models, are in :mod:`analysis.kinds`.
"""

from analysis.claims.loader import load_claims
from analysis.claims.model import Article, Claim, Registry, registry_schema
from analysis.paths import DEFAULT_CLAIMS

__all__ = ["DEFAULT_CLAIMS", "Article", "Claim", "Registry", "load_claims", "registry_schema"]
