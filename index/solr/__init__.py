"""A SolrCloud collection: the HTTP client and its query syntax (client.py), the backend that
answers reads from it (remote.py), publishing to it (publishing.py), the configset it is created
from (configset/). The one room that speaks HTTP or Solr (tests/test_structure.py)."""
