//! Typed 837 claims (837P, 837I, 837D).
