//! Sweep plots.
use super::data::Results;
use crate::error::Result;
/// A sweep figure.
pub enum SweepFigure {
    /// a
    Line(super::stages::StagePlot),
    /// b
    Heat(super::stages::StagePlot),
}
/// todo
pub fn figures(_res: &Results) -> Result<Vec<SweepFigure>> {
    Ok(vec![])
}
