//! Fault injection: added latency, a fraction of 503s, dropped connections and
//! truncated bodies, driven by a seeded RNG so a run can be replayed.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use connkit_transport::HumanDuration;

/// What the fault injector does; all ratios are fractions of requests in `0.0..=1.0`.
///
/// Parses from the CLI's flag syntax: `error=0.2,reset=0.05,truncate=0.01,latency=5ms,seed=7`
/// (any subset, any order).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FaultConfig {
    /// Fraction answered `503` with an `ErrorResponseDto`, before the request is handled.
    pub error_ratio: f64,
    /// Fraction whose connection is dropped without an answer, before the request is
    /// handled.
    pub reset_ratio: f64,
    /// Fraction handled normally whose body is cut short (over HTTP: a `Content-Length`
    /// larger than the bytes sent).
    pub truncate_ratio: f64,
    /// Added to every request before anything else.
    pub latency: Duration,
    /// The RNG seed: the same seed and request order give the same faults.
    pub seed: u64,
}

impl Default for FaultConfig {
    /// No faults, seed 0.
    fn default() -> Self {
        FaultConfig {
            error_ratio: 0.0,
            reset_ratio: 0.0,
            truncate_ratio: 0.0,
            latency: Duration::ZERO,
            seed: 0,
        }
    }
}

impl FaultConfig {
    /// Checks that every ratio is in `0.0..=1.0` and that they add up to at most 1.
    pub fn validate(&self) -> Result<(), String> {
        for (name, ratio) in [
            ("error", self.error_ratio),
            ("reset", self.reset_ratio),
            ("truncate", self.truncate_ratio),
        ] {
            if !(0.0..=1.0).contains(&ratio) {
                return Err(format!("fault ratio {name}={ratio} is not between 0 and 1"));
            }
        }
        let sum = self.error_ratio + self.reset_ratio + self.truncate_ratio;
        if sum > 1.0 + f64::EPSILON {
            return Err(format!(
                "fault ratios error+reset+truncate add up to {sum}, more than 1"
            ));
        }
        Ok(())
    }
}

impl FromStr for FaultConfig {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut config = FaultConfig::default();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| format!("fault setting '{item}' is not KEY=VALUE"))?;
            let ratio = || {
                value
                    .parse::<f64>()
                    .map_err(|_| format!("fault setting {key}: '{value}' is not a number"))
            };
            match key.trim() {
                "error" => config.error_ratio = ratio()?,
                "reset" => config.reset_ratio = ratio()?,
                "truncate" => config.truncate_ratio = ratio()?,
                "latency" => {
                    config.latency = value
                        .parse::<HumanDuration>()
                        .map_err(|e| format!("fault setting latency: {e}"))?
                        .get()
                }
                "seed" => {
                    config.seed = value
                        .parse()
                        .map_err(|_| format!("fault setting seed: '{value}' is not a whole number"))?
                }
                other => {
                    return Err(format!(
                        "unknown fault setting '{other}' (known: error, reset, truncate, latency, seed)"
                    ))
                }
            }
        }
        config.validate()?;
        Ok(config)
    }
}

/// A fault chosen for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer 503.
    Error,
    /// Drop the connection without an answer.
    Reset,
    /// Cut the answer's body short.
    Truncate,
}

impl Fault {
    /// The name used in the stats.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Fault::Error => "error",
            Fault::Reset => "reset",
            Fault::Truncate => "truncate",
        }
    }
}

/// Marks a response that must not reach the client intact (a response extension read
/// by the HTTP server and the in-process transport).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sabotage {
    /// Drop the connection instead of answering.
    Reset,
    /// Send the headers and part of the body, then drop the connection.
    Truncate,
}

/// The error a sabotaged exchange ends with.
#[derive(Debug, thiserror::Error)]
#[error("{0} (sandbox fault injection)")]
pub(crate) struct InjectedFailure(pub(crate) &'static str);

/// Chooses faults with a seeded RNG.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    config: FaultConfig,
    rng: Mutex<fastrand::Rng>,
}

impl FaultInjector {
    pub(crate) fn new(config: FaultConfig) -> Self {
        let rng = Mutex::new(fastrand::Rng::with_seed(config.seed));
        FaultInjector { config, rng }
    }

    /// The latency to add to every request.
    pub(crate) fn latency(&self) -> Duration {
        self.config.latency
    }

    /// The fault for the next request, if any.
    pub(crate) fn roll(&self) -> Option<Fault> {
        let draw = self.rng.lock().unwrap_or_else(|e| e.into_inner()).f64();
        let c = &self.config;
        if draw < c.error_ratio {
            Some(Fault::Error)
        } else if draw < c.error_ratio + c.reset_ratio {
            Some(Fault::Reset)
        } else if draw < c.error_ratio + c.reset_ratio + c.truncate_ratio {
            Some(Fault::Truncate)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_flag_syntax() {
        let config: FaultConfig = "error=0.2,reset=0.05,truncate=0.01,latency=5ms,seed=7"
            .parse()
            .unwrap();
        assert_eq!(
            config,
            FaultConfig {
                error_ratio: 0.2,
                reset_ratio: 0.05,
                truncate_ratio: 0.01,
                latency: Duration::from_millis(5),
                seed: 7,
            }
        );
        assert_eq!("".parse::<FaultConfig>(), Ok(FaultConfig::default()));
    }

    #[test]
    fn clear_errors() {
        let err = |s: &str| s.parse::<FaultConfig>().unwrap_err();
        assert_eq!(err("error=2"), "fault ratio error=2 is not between 0 and 1");
        assert_eq!(err("error=x"), "fault setting error: 'x' is not a number");
        assert_eq!(
            err("latency=5d"),
            "fault setting latency: duration `5d` has unknown unit `d` (use ns, us, ms, s, m or h)"
        );
        assert_eq!(
            err("latency=x").split(':').next(),
            Some("fault setting latency")
        );
        assert_eq!(
            err("boom=1"),
            "unknown fault setting 'boom' (known: error, reset, truncate, latency, seed)"
        );
        assert_eq!(err("error"), "fault setting 'error' is not KEY=VALUE");
        assert!(err("error=0.6,reset=0.6").contains("more than 1"));
        assert!(err("seed=-1").contains("not a whole number"));
    }

    #[test]
    fn same_seed_same_faults_and_ratios_hold() {
        let config: FaultConfig = "error=0.2,reset=0.1,truncate=0.1,seed=42".parse().unwrap();
        let a = FaultInjector::new(config.clone());
        let b = FaultInjector::new(config);
        let rolls: Vec<_> = (0..2000).map(|_| a.roll()).collect();
        assert_eq!(rolls, (0..2000).map(|_| b.roll()).collect::<Vec<_>>());
        let errors = rolls.iter().filter(|f| **f == Some(Fault::Error)).count();
        assert!(
            (300..500).contains(&errors),
            "{errors} errors in 2000 at 0.2"
        );
    }
}
