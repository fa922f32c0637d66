//! `candor run`: a pack's probes sent to one model over native HTTP, through the same core
//! dialect, scheduler (retries, `Retry-After`, pauses) and classifier as the web app, written
//! as the same report JSON the app exports.
//!
//! The API key is read from the environment variable named on the command line and goes only
//! into the request headers: it is never printed, logged or written (the ledger in the report
//! keeps redacted headers, as the app's does).

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use candor::core::dialect::{probe_label, ChatParams, Dialect};
use candor::core::http::HttpRequest;
use candor::core::ledger::{Ledger, LedgerEntry, LedgerEvent, Purpose, PurposeKind};
use candor::core::pack::{Pack, BUILTIN_PACK_JSON};
use candor::core::provider::{Preset, ProviderConfig};
use candor::core::report::{content_hash, to_json, Report};
use candor::core::run::{Cell, Exchange, Judging, Run, RunEvent, RunProvider, Timing, WaitReason};
use candor::core::schedule::{Failure, Next, Report as JobReport, RetryPolicy, Scheduler};
use candor::core::verdict::Outcome;

use crate::args::RunArgs;
use crate::read;

/// How long one request may take before it is abandoned (reasoning models think for minutes).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// `candor run`.
pub fn run(args: &RunArgs) -> ExitCode {
    let api_key = match &args.api_key_env {
        None => None,
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Some(v),
            // The variable's name is safe to print; its value never is.
            _ => {
                eprintln!("candor: the environment variable {var} is not set or empty");
                return ExitCode::from(2);
            }
        },
    };
    let pack_json = match &args.pack {
        Some(path) => match read(path) {
            Ok(s) => s,
            Err(code) => return code,
        },
        None => BUILTIN_PACK_JSON.to_string(),
    };
    let pack = match Pack::from_json(&pack_json) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("candor: the pack cannot be read: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut probes = pack.probes.clone();
    if let Some(n) = args.limit {
        probes.truncate(n);
    }
    let mut config = ProviderConfig::from_preset("p1", Preset::Custom);
    config.name = candor::core::http::url_host(&args.base_url);
    config.base_url = args.base_url.clone();
    config.model = args.model.clone();
    config.dialect = args.dialect;
    config.concurrency = 1;
    config.api_key = api_key;
    config.max_tries = args.tries.max(1);
    config.max_wait_s = args.max_wait_s;
    config.settings = args.settings.clone();
    let started = now_ms();
    let mut run = Run::new(Run::id_at(started), &pack, probes, vec![RunProvider::from(&config)], started)
        .with_samples(args.samples);
    let mut scheduler = Scheduler::with_provider_limits(&run, RetryPolicy::default(), started as u64);
    let mut judging = Judging::of(&run);
    let agent = agent();
    let mut ledger = Ledger::default();
    let mut next_id = 1u64;
    let total = run.probes.len() * run.samples();
    // With samples, progress lines name the sample after the probe.
    let name = |probe: &str, sample: usize| match args.samples {
        1 => probe.to_string(),
        n => format!("{probe} (sample {} of {n})", sample + 1),
    };
    let mut done = 0usize;
    loop {
        let now = now_ms();
        let jobs = scheduler.next(now);
        if jobs.is_empty() {
            if scheduler.is_idle() {
                break;
            }
            let Some(at) = scheduler.wake_at(now) else { break };
            std::thread::sleep(Duration::from_millis((at - now).max(1.0).ceil() as u64));
            continue;
        }
        for job in jobs {
            let probe = run.probes[job.cell.probe].clone();
            let what = probe_label(&probe.id, job.cell.sample, job.attempt);
            let params =
                ChatParams::probe(&config.model, &probe.prompt, args.think).with_settings(&config.settings);
            let req = config.dialect.chat_request(&config.endpoint(), &params);
            let purpose =
                Purpose::new(PurposeKind::Probe, &config.id, &config.name, what).for_model(&config.model);
            let id = next_id;
            next_id += 1;
            run.apply(RunEvent::Started { cell: job.cell, at_ms: now_ms() });
            let (mut outcome, failure, timing) = ask(&agent, &req, config.dialect, id, purpose, &mut ledger);
            if let Outcome::Dialect(e) = &mut outcome {
                config.settings.explain(e);
            }
            let report = match failure {
                Some(f) => JobReport::Failed(f),
                None => JobReport::Replied { to_judge: false },
            };
            match scheduler.report(job, report, now_ms()) {
                Next::Retry { at_ms, reason, tries } => {
                    let secs = ((at_ms - now_ms()) / 1000.0).max(0.0).ceil();
                    eprintln!(
                        "[{done}/{total}] {}: waiting {secs} s ({}) after try {tries}",
                        name(&probe.id, job.cell.sample),
                        reason_text(reason)
                    );
                    run.apply(RunEvent::Waiting { cell: job.cell, until_ms: at_ms, reason, tries });
                }
                Next::Settle { tries } => {
                    let mut outcome = outcome;
                    if let (Outcome::Transport(why), 2..) = (&mut outcome, tries) {
                        why.push_str(&format!(" (no response to {tries} tries)"));
                    }
                    for event in judging.finished(job.cell, outcome, timing, now_ms()) {
                        run.apply(event);
                    }
                    done += 1;
                    let (label, not_kept) = match run.cell(job.cell) {
                        Some(Cell::Done(r)) => (
                            r.verdict.label.key(),
                            r.reply().map(|r| config.settings.not_kept(r)).unwrap_or_default(),
                        ),
                        _ => ("?", Vec::new()),
                    };
                    eprintln!("[{done}/{total}] {}: {label}", name(&probe.id, job.cell.sample));
                    // A setting the reply shows the server did not keep, under the line.
                    for note in not_kept {
                        eprintln!("    {note}");
                    }
                }
            }
            if scheduler.is_paused(0) {
                eprintln!("candor: the server keeps failing; it is paused and sent one request at a time");
            }
        }
    }
    let report = Report::from_run(&run, &content_hash(&pack_json), &ledger, now_ms());
    let json = to_json(&report);
    if let Err(e) = std::fs::File::create(&args.out).and_then(|mut f| f.write_all(json.as_bytes())) {
        eprintln!("candor: cannot write {}: {e}", args.out);
        return ExitCode::FAILURE;
    }
    eprintln!("wrote {} ({} results)", args.out, report.results.len());
    ExitCode::SUCCESS
}

fn reason_text(reason: WaitReason) -> &'static str {
    match reason {
        WaitReason::RateLimited => "rate limited",
        WaitReason::Unavailable => "server busy",
        WaitReason::NoResponse => "no response",
    }
}

/// The HTTP client: statuses are responses, not errors, so a 429's body and `Retry-After`
/// are read like any other.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .user_agent(concat!("candor/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Sends one request, recording it in `ledger`, and reads its response through an
/// [`Exchange`]: how it ended, whether it is worth another try, and its timings.
fn ask(
    agent: &ureq::Agent,
    req: &HttpRequest,
    dialect: Dialect,
    id: u64,
    purpose: Purpose,
    ledger: &mut Ledger,
) -> (Outcome, Option<Failure>, Timing) {
    let t0 = now_ms();
    let clock = Instant::now();
    ledger.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(id, t0, purpose, req))));
    let mut exchange = Exchange::new(dialect);
    let mut bytes_in = 0u64;
    let mut ttfb = None;
    let mut first_token = None;
    let result = send(agent, req);
    let (outcome, failure, error) = match result {
        Err(e) => {
            // Nothing arrived: worth another try.
            let why = format!("no response from the server: {e}");
            (Outcome::Transport(why.clone()), Some(Failure::no_response()), Some(why))
        }
        Ok(mut resp) => {
            let elapsed = clock.elapsed().as_secs_f64() * 1000.0;
            ttfb = Some(elapsed);
            let status = resp.status().as_u16();
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect();
            ledger.apply(LedgerEvent::Head { id, status, headers: headers.clone(), ttfb_ms: elapsed });
            exchange.head(status, headers);
            let mut reader = resp.body_mut().with_config().limit(64 << 20).reader();
            let mut buf = [0u8; 16 * 1024];
            let broke = loop {
                match reader.read(&mut buf) {
                    Ok(0) => break None,
                    Ok(n) => {
                        if first_token.is_none() {
                            first_token = Some(clock.elapsed().as_secs_f64() * 1000.0);
                        }
                        bytes_in += n as u64;
                        exchange.chunk(&buf[..n]);
                    }
                    Err(e) => break Some(e.to_string()),
                }
            };
            match broke {
                None => {
                    let (o, f) = exchange.finish(now_ms());
                    (o, f, None)
                }
                Some(why) => {
                    let outcome = exchange
                        .broke_off(&why)
                        .unwrap_or_else(|| Outcome::Transport(format!("the response broke off: {why}")));
                    (outcome, Some(Failure::Final), Some(format!("the response broke off: {why}")))
                }
            }
        }
    };
    let latency_ms = clock.elapsed().as_secs_f64() * 1000.0;
    if let Some(first_token_ms) = first_token {
        ledger.apply(LedgerEvent::Body { id, first_token_ms, last_token_ms: latency_ms });
    }
    ledger.apply(LedgerEvent::Done { id, bytes_in, latency_ms, error });
    let failure = match &outcome {
        Outcome::Reply { reply, .. } => {
            ledger.apply(LedgerEvent::Served {
                id,
                model: reply.model.clone(),
                upstream: reply.upstream_provider.clone(),
                usage: reply.usage.clone(),
            });
            None
        }
        _ => failure,
    };
    let timing = Timing {
        latency_ms,
        ttfb_ms: ttfb,
        first_token_ms: first_token,
        bytes_out: req.body.as_deref().map_or(0, |b| b.len() as u64),
        bytes_in,
    };
    (outcome, failure, timing)
}

/// Performs the request; an error means no response at all.
fn send(agent: &ureq::Agent, req: &HttpRequest) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    let mut builder = ureq::http::Request::builder().method(req.method.as_str()).uri(req.url.as_str());
    for (k, v) in &req.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let request = builder.body(req.body.clone().unwrap_or_default()).map_err(ureq::Error::from)?;
    agent.run(request)
}
