//! Suppression records from many mail systems, merged by explicit rules.
