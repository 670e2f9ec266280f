//! Theatre map.
use super::data::Results;
use crate::error::Result;
/// The theatre map.
pub struct MapPlot;
impl MapPlot {
    /// todo
    pub fn of(_res: &Results) -> Result<Option<super::nations::NationPlot>> {
        Ok(None)
    }
}
