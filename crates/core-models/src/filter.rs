//! The ISC filter language (being built).
