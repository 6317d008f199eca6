//! storyfold ingest (being built).
#![deny(missing_docs)]
