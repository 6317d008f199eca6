//! storyfold store (being built).
#![deny(missing_docs)]
