"""The Django admin for CME staff. Writes go through `activities.services`, so each rule exists once."""

from activities.admin import catalog, disclosures, reference

__all__ = ["catalog", "disclosures", "reference"]
