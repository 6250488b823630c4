//! Date parsing for exports: each format with its zone, raw text kept.
