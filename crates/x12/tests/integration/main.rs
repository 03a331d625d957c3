//! Integration tests of denali-x12 on the project's fixtures and the shared external corpus.

mod common;
mod external;
mod fixtures;
mod fuzzing;
mod hostile;
mod proptests;
mod wrapped;
