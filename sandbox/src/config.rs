//! Command-line flags.

use std::path::PathBuf;

/// Usage text for `--help` and flag errors.
pub const USAGE: &str = "\
usage: basiq-sandbox [--port 8080] [--speed 1] [--chaos 0] [--seed 1]
                     [--www www] [--pkg pkg] [--public-url URL]
                     [--consent-redirect URL] [--consent-multiple]

  --port N          port on 127.0.0.1 (0 picks a free one)               [8080]
  --speed F         sandbox clock runs F times faster than real time      [1]
  --chaos RATE      share of API answers (0..1) that are faults           [0]
  --seed N          seed of durations, ids and fault choice               [1]
  --www DIR         static files served at /                              [www]
  --pkg DIR         static files served at /pkg/                          [pkg]
  --public-url URL  origin used in absolute links   [http://127.0.0.1:PORT]
  --consent-redirect URL  where /consent/home sends the user back   [PUBLIC-URL/]
  --consent-multiple      /consent/home allows several connections  [off]";

/// The sandbox's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Port to bind on 127.0.0.1; 0 picks a free port.
    pub port: u16,
    /// Clock speed factor.
    pub speed: f64,
    /// Share of API answers that are faults.
    pub chaos: f64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Directory served at `/`.
    pub www: PathBuf,
    /// Directory served at `/pkg/`.
    pub pkg: PathBuf,
    /// Origin for absolute links; defaults to the bound address.
    pub public_url: Option<String>,
    /// Where the consent page redirects; defaults to the sandbox's own `/`.
    pub consent_redirect: Option<String>,
    /// Whether the consent page lets the user connect several institutions.
    pub consent_multiple: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 8080,
            speed: 1.0,
            chaos: 0.0,
            seed: 1,
            www: PathBuf::from("www"),
            pkg: PathBuf::from("pkg"),
            public_url: None,
            consent_redirect: None,
            consent_multiple: false,
        }
    }
}

/// Parses the arguments after the program name; `Ok(None)` means `--help`.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Option<Config>, String> {
    let mut config = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        if arg == "--consent-multiple" {
            config.consent_multiple = true;
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--port" => config.port = number(&flag, &value()?)?,
            "--speed" => {
                config.speed = number(&flag, &value()?)?;
                if !(config.speed.is_finite() && config.speed > 0.0) {
                    return Err("--speed must be a positive number".into());
                }
            }
            "--chaos" => {
                config.chaos = number(&flag, &value()?)?;
                if !(0.0..=1.0).contains(&config.chaos) {
                    return Err("--chaos must be between 0 and 1".into());
                }
            }
            "--seed" => config.seed = number(&flag, &value()?)?,
            "--www" => config.www = PathBuf::from(value()?),
            "--pkg" => config.pkg = PathBuf::from(value()?),
            "--public-url" => {
                let url = value()?;
                let url = url.trim_end_matches('/');
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err("--public-url must start with http:// or https://".into());
                }
                config.public_url = Some(url.to_owned());
            }
            "--consent-redirect" => {
                let url = value()?;
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err("--consent-redirect must start with http:// or https://".into());
                }
                config.consent_redirect = Some(url);
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Some(config))
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{flag}: not a valid number: {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn defaults() {
        assert_eq!(parse(Vec::new()).unwrap(), Some(Config::default()));
        assert_eq!(parse(args("--help")).unwrap(), None);
    }

    #[test]
    fn parses_every_flag() {
        let c = parse(args(
            "--port 0 --speed 200 --chaos=0.2 --seed 7 --www site --pkg out --public-url http://x:1/",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(c.port, 0);
        assert_eq!(c.speed, 200.0);
        assert_eq!(c.chaos, 0.2);
        assert_eq!(c.seed, 7);
        assert_eq!(c.www, PathBuf::from("site"));
        assert_eq!(c.pkg, PathBuf::from("out"));
        assert_eq!(c.public_url.as_deref(), Some("http://x:1"));
        assert_eq!(c.consent_redirect, None);
        assert!(!c.consent_multiple);
        let c = parse(args(
            "--consent-multiple --consent-redirect https://partner.test/back?x=1",
        ))
        .unwrap()
        .unwrap();
        assert!(c.consent_multiple);
        assert_eq!(
            c.consent_redirect.as_deref(),
            Some("https://partner.test/back?x=1")
        );
    }

    #[test]
    fn rejects_bad_values() {
        for bad in [
            "--port",
            "--port x",
            "--port 70000",
            "--speed 0",
            "--speed -1",
            "--speed nan",
            "--chaos 1.5",
            "--public-url ftp://x",
            "--consent-redirect",
            "--consent-redirect /back",
            "--nope",
        ] {
            assert!(parse(args(bad)).is_err(), "{bad}");
        }
    }
}
