//! The `CHANGELOG.md` edit of a release (Keep a Changelog layout): the body of
//! `## [Unreleased]` moves under a new `## [<version>] - <date>` heading, and an empty
//! `## [Unreleased]` stays on top.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Result};
use semver::Version;

const UNRELEASED: &str = "## [Unreleased]";

/// Whether `line` starts a section (`## …`) or is a link reference definition
/// (`[Unreleased]: https://…`), which Keep a Changelog puts after the last section.
fn ends_section(line: &str) -> bool {
    line.starts_with("## ") || (line.starts_with('[') && line.contains("]: "))
}

/// The heading of the release `version`, without the date.
fn release_heading(version: &Version) -> String {
    format!("## [{version}]")
}

/// Whether the changelog already has a section for `version`.
pub fn has_release(text: &str, version: &Version) -> bool {
    let heading = release_heading(version);
    text.lines()
        .any(|line| line == heading || line.starts_with(&format!("{heading} ")))
}

/// `text` with the Unreleased section moved under `## [<version>] - <date>`.
pub fn release(text: &str, version: &Version, date: &str) -> Result<String> {
    if has_release(text, version) {
        bail!(
            "CHANGELOG.md already has a `{}` section",
            release_heading(version)
        );
    }
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|line| line.trim_end() == UNRELEASED) else {
        bail!("CHANGELOG.md has no `{UNRELEASED}` heading to release from");
    };
    let end = lines[start + 1..]
        .iter()
        .position(|line| ends_section(line))
        .map_or(lines.len(), |offset| start + 1 + offset);
    let body = &lines[start + 1..end];
    let first = body.iter().position(|line| !line.trim().is_empty());
    let last = body.iter().rposition(|line| !line.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        bail!("the `{UNRELEASED}` section of CHANGELOG.md is empty: nothing to release");
    };

    let mut out: Vec<String> = lines[..=start].iter().map(|l| l.to_string()).collect();
    out.push(String::new());
    out.push(format!("{} - {date}", release_heading(version)));
    out.push(String::new());
    out.extend(body[first..=last].iter().map(|l| l.to_string()));
    if end < lines.len() {
        out.push(String::new());
        out.extend(lines[end..].iter().map(|l| l.to_string()));
    }
    let mut result = out.join("\n");
    result.push('\n');
    Ok(result)
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    const CHANGELOG: &str = "\
# Changelog

All notable changes.

## [Unreleased]

### Added
- models

- transport

## [0.1.0] - 2026-01-02

### Added
- first

[Unreleased]: https://example.invalid/compare/v0.1.0...HEAD
";

    #[test]
    fn moves_unreleased_under_the_new_version() {
        let out = release(CHANGELOG, &v("0.2.0"), "2026-11-22").unwrap();
        assert_eq!(
            out,
            "\
# Changelog

All notable changes.

## [Unreleased]

## [0.2.0] - 2026-11-22

### Added
- models

- transport

## [0.1.0] - 2026-01-02

### Added
- first

[Unreleased]: https://example.invalid/compare/v0.1.0...HEAD
"
        );
        assert!(has_release(&out, &v("0.2.0")));
        assert!(has_release(&out, &v("0.1.0")));
        assert!(!has_release(&out, &v("0.1.1")));
    }

    #[test]
    fn unreleased_as_last_section() {
        let text = "# Changelog\n\n## [Unreleased]\n- first\n";
        let out = release(text, &v("1.0.0"), "2027-03-01").unwrap();
        assert_eq!(
            out,
            "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2027-03-01\n\n- first\n"
        );
    }

    #[test]
    fn refuses_what_it_cannot_release() {
        let msg = |text: &str, version: &str| {
            format!(
                "{:#}",
                release(text, &v(version), "2026-11-22").unwrap_err()
            )
        };
        assert_eq!(
            msg("# Changelog\n\n## [0.1.0]\n- x\n", "0.2.0"),
            "CHANGELOG.md has no `## [Unreleased]` heading to release from"
        );
        assert_eq!(
            msg(
                "## [Unreleased]\n\n\n## [0.1.0] - 2026-01-02\n- x\n",
                "0.2.0"
            ),
            "the `## [Unreleased]` section of CHANGELOG.md is empty: nothing to release"
        );
        assert_eq!(
            msg(CHANGELOG, "0.1.0"),
            "CHANGELOG.md already has a `## [0.1.0]` section"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_414), (2025, 11, 22));
        assert_eq!(civil_from_days(20_819), (2027, 1, 1));
        let today = today();
        assert_eq!(today.len(), 10, "{today}");
        assert_eq!((&today[4..5], &today[7..8]), ("-", "-"), "{today}");
    }
}
