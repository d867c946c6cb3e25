//! Classic programs.
