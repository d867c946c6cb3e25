//! Integration, conformance, property and stress tests of hbsync (see `tests/`).
