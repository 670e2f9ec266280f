//! The KPIs: one [`Kpi`] enum naming every key performance indicator, with its name in
//! files, its unit and the direction in which it is better.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which way a KPI is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Smaller is better (times, unanswered violations).
    #[serde(rename = "lower is better")]
    LowerIsBetter,
    /// Larger is better (shares detected, answered, within target, coverage).
    #[serde(rename = "higher is better")]
    HigherIsBetter,
    /// Neither (counts of violations, utilisation).
    #[serde(rename = "neutral")]
    Neutral,
}

/// What a KPI is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A number of violations (per replication, or on average in a queue).
    Count,
    /// A share between 0 and 1.
    Share,
    /// Hours.
    Hours,
}

impl Unit {
    /// Short name: `count`, `share` or `h`.
    pub fn key(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Share => "share",
            Unit::Hours => "h",
        }
    }
}

macro_rules! kpis {
    ($($(#[$doc:meta])* $v:ident = $name:literal, $unit:ident, $dir:ident;)*) => {
        /// A key performance indicator of a replication (theatre, domain or sector).
        ///
        /// The declaration order is the order of [`Kpis::values`](super::Kpis::values), of
        /// the columns of `replications.csv` and of the KPI objects in the JSON files.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kpi {
            $($(#[$doc])* $v,)*
        }

        impl Kpi {
            /// Every KPI, in file order.
            pub const ALL: [Kpi; KPI_COUNT] = [$(Kpi::$v,)*];

            /// Its name in files and on the command line, e.g. `response_time_p90_h`.
            pub const fn name(self) -> &'static str {
                match self { $(Kpi::$v => $name,)* }
            }

            /// Its unit.
            pub fn unit(self) -> Unit {
                match self { $(Kpi::$v => Unit::$unit,)* }
            }

            /// Which way it is better.
            pub fn direction(self) -> Direction {
                match self { $(Kpi::$v => Direction::$dir,)* }
            }
        }
    };
}

kpis! {
    /// Violations per replication.
    Violations = "violations", Count, Neutral;
    /// Of those, how many need a unit on scene.
    NeedingResponse = "needing_response", Count, Neutral;
    /// Share of violations detected.
    DetectedShare = "detected_share", Share, HigherIsBetter;
    /// Share of violations needing a response that had a unit on scene.
    RespondedShare = "responded_share", Share, HigherIsBetter;
    /// Occurrence to detection, mean \[h\].
    DetectionLatencyMeanH = "detection_latency_mean_h", Hours, LowerIsBetter;
    /// Detection to report at HQ, mean \[h\].
    ReportingDelayMeanH = "reporting_delay_mean_h", Hours, LowerIsBetter;
    /// HQ processing, mean \[h\].
    DecisionTimeMeanH = "decision_time_mean_h", Hours, LowerIsBetter;
    /// Waiting for a unit, mean \[h\].
    QueueWaitMeanH = "queue_wait_mean_h", Hours, LowerIsBetter;
    /// Share of tasked violations that waited for a unit.
    QueuedShare = "queued_share", Share, LowerIsBetter;
    /// Time-average number of violations waiting for a unit.
    QueueLengthMean = "queue_length_mean", Count, LowerIsBetter;
    /// National approval, mean \[h\].
    ApprovalDelayMeanH = "approval_delay_mean_h", Hours, LowerIsBetter;
    /// Notice to move, mean \[h\].
    NoticeToMoveMeanH = "notice_to_move_mean_h", Hours, LowerIsBetter;
    /// Transit to the scene, mean \[h\].
    TransitMeanH = "transit_mean_h", Hours, LowerIsBetter;
    /// Occurrence to a unit on scene, mean \[h\].
    ResponseTimeMeanH = "response_time_mean_h", Hours, LowerIsBetter;
    /// Response time, median \[h\], over every violation needing a response (Kaplan–Meier:
    /// never answered = infinitely late, still open at the horizon = censored); `+∞` (written
    /// `null`) when not reached.
    ResponseTimeP50H = "response_time_p50_h", Hours, LowerIsBetter;
    /// Response time, 90th percentile \[h\], as the median.
    ResponseTimeP90H = "response_time_p90_h", Hours, LowerIsBetter;
    /// Response time, 95th percentile \[h\], as the median.
    ResponseTimeP95H = "response_time_p95_h", Hours, LowerIsBetter;
    /// Share of violations needing a response answered within their target.
    WithinTargetShare = "within_target_share", Share, HigherIsBetter;
    /// Detected violations needing a response with no unit on scene at the horizon.
    UnansweredAtEnd = "unanswered_at_end", Count, LowerIsBetter;
    /// Busy responder unit-time over responder units × horizon.
    Utilisation = "utilisation", Share, Neutral;
    /// Share of time with an ISR drone on station, over sectors with drones tasked.
    IsrCoverageShare = "isr_coverage_share", Share, HigherIsBetter;
    /// Share of violations needing a response that no unit of the force could answer (no
    /// eligible capability, caveats, or beyond every unit's range); they are never queued.
    UnanswerableShare = "unanswerable_share", Share, LowerIsBetter;
    /// Response time, median \[h\], of the answered violations only (R type 7).
    ResponseTimeP50AnsweredH = "response_time_p50_answered_h", Hours, LowerIsBetter;
    /// Response time, 90th percentile \[h\], of the answered violations only.
    ResponseTimeP90AnsweredH = "response_time_p90_answered_h", Hours, LowerIsBetter;
    /// Response time, 95th percentile \[h\], of the answered violations only.
    ResponseTimeP95AnsweredH = "response_time_p95_answered_h", Hours, LowerIsBetter;
}

/// Number of KPIs.
pub const KPI_COUNT: usize = 25;

impl Kpi {
    /// The KPI called `name`, if any.
    pub fn from_name(name: &str) -> Option<Kpi> {
        Kpi::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Its position in [`Kpi::ALL`] (and in [`Kpis::values`](super::Kpis::values)).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The KPI at position `i` of [`Kpi::ALL`], if any.
    pub fn from_index(i: usize) -> Option<Kpi> {
        Kpi::ALL.get(i).copied()
    }

    /// A readable name with its unit for axes, e.g. `response time p90 \[h\]`.
    pub fn description(self) -> String {
        let unit = match self.unit() {
            Unit::Hours => " [h]",
            Unit::Share => " [share]",
            Unit::Count => "",
        };
        format!(
            "{}{unit}",
            self.name().trim_end_matches("_h").replace('_', " ")
        )
    }
}

impl std::fmt::Display for Kpi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl Serialize for Kpi {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Kpi {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Kpi, D::Error> {
        let name = String::deserialize(d)?;
        Kpi::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown KPI `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpi_order_names_and_indexes_agree() {
        for (i, k) in Kpi::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(Kpi::from_index(i), Some(k));
            assert_eq!(Kpi::from_name(k.name()), Some(k));
        }
        assert_eq!(Kpi::from_name("nope"), None);
        assert_eq!(Kpi::from_index(KPI_COUNT), None);
        assert_eq!(Kpi::ResponseTimeP90H.description(), "response time p90 [h]");
        assert_eq!(Kpi::Utilisation.description(), "utilisation [share]");
        assert_eq!(Kpi::QueueLengthMean.description(), "queue length mean");
    }

    #[test]
    fn kpi_directions_match_their_meaning() {
        assert_eq!(Kpi::Violations.direction(), Direction::Neutral);
        assert_eq!(Kpi::Utilisation.direction(), Direction::Neutral);
        assert_eq!(Kpi::IsrCoverageShare.direction(), Direction::HigherIsBetter);
        assert_eq!(Kpi::QueuedShare.direction(), Direction::LowerIsBetter);
    }
}
