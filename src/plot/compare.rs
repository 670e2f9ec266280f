//! Comparison plots.
use super::data::Results;
use crate::error::Result;
/// A comparison figure.
pub enum CompareFigure {
    /// a
    Kpis(super::stages::StagePlot),
    /// b
    Diffs(super::stages::StagePlot),
    /// c
    Cdf(super::cdf::CdfPlot),
}
/// todo
pub fn figures(_res: &Results) -> Result<Vec<CompareFigure>> {
    Ok(vec![])
}
