//! Optimisation of a force plan (issue 13): the statistical and integer-programming pieces.

pub mod feasibility;
pub mod kn;
pub mod mexclp;
pub mod ocba;
