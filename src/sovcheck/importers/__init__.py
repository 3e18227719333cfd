"""Import SBOMs and AI-BOMs (CycloneDX, SPDX 2 and 3) as sovcheck inventories."""

from sovcheck.importers.api import dump_inventory, import_bom

__all__ = ["dump_inventory", "import_bom"]
