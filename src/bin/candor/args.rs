//! The command line: every subcommand with its flags as a [`Command`], read by [`parse`]
//! with lexopt, and the help text of each.

use std::ffi::OsString;

use candor::core::classifier::model::TrainConfig;
use candor::core::dialect::{Dialect, Effort, Settings};
use candor::core::report::{ExportFormat, InputFormat};
use lexopt::prelude::*;

/// Which rows of the judged files a command reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Split {
    /// Rows whose prompts were never trained on.
    HeldOut,
    /// Rows the text model is trained on.
    Train,
    /// Every row.
    All,
}

/// One run of `candor`, as the command line asked for it.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Print the help of one subcommand, or of all of them.
    Help(Option<&'static Help>),
    /// Judge JSON Lines from stdin.
    Classify,
    /// Agreement with the judges' labels.
    Eval { files: Vec<String>, split: Split, misses: bool },
    /// Train the text model.
    Train { files: Vec<String>, written: Written, out: Option<String>, config: TrainConfig },
    /// Agreement held out by model.
    Cv { files: Vec<String>, written: Written, config: TrainConfig, split: Split, misses: bool },
    /// Replies classified per second.
    Bench { file: String },
    /// Time per reply on bad inputs.
    BenchBad,
    /// Validate and summarise a probe pack.
    Pack { file: Option<String> },
    /// Every content rule of a probe pack.
    PackCheck { file: Option<String> },
    /// Another tool's results as a report.
    Import { format: InputFormat, file: String },
    /// Render a saved report.
    Report { file: String, format: ExportFormat },
    /// Which cells changed verdict between two reports.
    Compare {
        /// The first report file.
        a: String,
        /// The second report file.
        b: String,
        /// Exit 1 when any cell changed.
        exit_code: bool,
        /// Judge both reports' replies again with this build's classifier first.
        judge_again: bool,
    },
    /// Send a pack's probes to one model and write the report.
    Run(Box<RunArgs>),
}

/// What `candor run` was asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct RunArgs {
    /// The wire format.
    pub dialect: Dialect,
    /// Base URL: ending in `/v1` for openai, the server root for the others.
    pub base_url: String,
    /// Model id.
    pub model: String,
    /// The environment variable holding the API key, if the server needs one.
    pub api_key_env: Option<String>,
    /// Send only the first N probes.
    pub limit: Option<usize>,
    /// A probe pack file (default: the built-in pack).
    pub pack: Option<String>,
    /// Where the report goes.
    pub out: String,
    /// Ask for the reasoning trace (`--think`) or for none (`--no-think`).
    pub think: Option<bool>,
    /// Tries per probe (1: never retry).
    pub tries: u32,
    /// The longest wait before a retry, in seconds.
    pub max_wait_s: u32,
    /// Temperature, top_p, max tokens, system prompt and reasoning effort, as given.
    pub settings: Settings,
    /// How many times each probe is asked (1 to 10).
    pub samples: usize,
}

/// A subcommand's synopsis and what it does.
#[derive(Debug, PartialEq)]
pub struct Help {
    /// The subcommand's name (`pack check` for the two-word one).
    pub name: &'static str,
    /// How it is called.
    pub synopsis: &'static str,
    /// What it does, and what its flags mean.
    pub about: &'static str,
}

/// Replies written for training (`--written FILE`, `--written-weight X`): trained on beside
/// the judged rows' training split, never measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// The files, in the trials' format.
    pub files: Vec<String>,
    /// How much each written reply counts against a judged one.
    pub weight: f32,
}

/// How much a written reply counts by default.
pub const WRITTEN_WEIGHT: f32 = 1.0;

/// Every subcommand, in the order `candor --help` lists them.
pub const HELP: &[Help] = &[
    Help {
        name: "classify",
        synopsis: "candor classify",
        about: "read JSON Lines on stdin ({\"response\": …, \"reasoning\"?: …, \"prompt\"?: …}),\n\
                write each line with a \"verdict\" added",
    },
    Help {
        name: "eval",
        synopsis: "candor eval FILE… [--split held-out|train|all] [--misses]",
        about: "agreement with the judges' labels of judged JSON Lines files, per source,\n\
                language (with Traditional Chinese copies of the Chinese rows) and model;\n\
                --misses lists the disagreements on stderr",
    },
    Help {
        name: "train",
        synopsis: "candor train FILE… [--out PATH] [--written FILE]… [--epochs N] [--lr X] [--l2 X] [--deflection-weight X] [--runs N]",
        about: "train the text model on the training split of judged files (default out:\n\
                static/model/verdict-v1.bin); prints held-out and training-split agreement;\n\
                --written adds replies written for training ({\"prompt\", \"response\", \"expect\"}\n\
                lines), counting --written-weight each (default 1); the other flags change the\n\
                shipped training settings, for experiments",
    },
    Help {
        name: "cv",
        synopsis: "candor cv FILE… [--split all|train] [--misses] [--written FILE]… [--epochs N] [--lr X] [--l2 X] [--deflection-weight X] [--runs N]",
        about: "agreement held out by model: train without a sixth of the models, judge those;\n\
                --split train: five folds by prompt inside the training split, for tuning\n\
                without reading the held-out rows (--misses lists disagreements on stderr)",
    },
    Help { name: "bench", synopsis: "candor bench FILE", about: "replies classified per second on one core" },
    Help {
        name: "bench-bad",
        synopsis: "candor bench-bad",
        about: "time per reply on empty, 1 MB and 10 MB inputs",
    },
    Help {
        name: "pack",
        synopsis: "candor pack [FILE]",
        about: "validate a probe pack (default: the built-in pack) and print a summary",
    },
    Help {
        name: "pack check",
        synopsis: "candor pack check [FILE]",
        about: "every content rule of a pack: languages and scripts, core topics in order,\n\
                controls, 4 to 8 expected facts that neither echo the question nor overlap\n\
                the official-line formulas",
    },
    Help {
        name: "import",
        synopsis: "candor import speechmap FILE.jsonl\n  candor import promptfoo FILE.json",
        about: "turn a SpeechMap analysis file or a promptfoo results file into a Candor\n\
                report (JSON on stdout; replies judged again, the file's labels kept;\n\
                rows that cannot be read are listed on stderr)",
    },
    Help {
        name: "report",
        synopsis: "candor report FILE.json --format html|md|csv|json",
        about: "render a saved report on stdout, byte for byte as the app exports it",
    },
    Help {
        name: "compare",
        synopsis: "candor compare A.json B.json [--exit-code] [--judge-again]",
        about: "which cells changed verdict between two reports, per provider and topic;\n\
                --exit-code: exit status 1 when any cell changed, 2 when a report cannot be\n\
                read (for scheduled monitoring); --judge-again: judge both reports' replies\n\
                with this build's classifier first, so a change is the models', not one of\n\
                Candor's classifier between the runs (the files are unchanged)",
    },
    Help {
        name: "run",
        synopsis: "candor run --dialect openai|anthropic|gemini|ollama --base-url URL --model ID\n    \
                   [--api-key-env VAR] [--limit N] [--pack FILE] [--think|--no-think]\n    \
                   [--tries N] [--max-wait SECONDS] [--temperature T] [--top-p P]\n    \
                   [--max-tokens N] [--system TEXT] [--effort low|medium|high] [--route SLUG]\n    \
                   [--samples N] --out run.json",
        about: "send a pack's probes (default: the built-in pack) to one model and write the\n\
                report the app exports; the base URL ends in /v1 for openai and is the server\n\
                root for the others; the key is read from the variable VAR, never printed;\n\
                429, 503 and no response are tried again (default 3 tries, waits up to 60 s);\n\
                settings not given are left to the server and not sent; --route pins an\n\
                OpenRouter model to one upstream provider; --samples asks each probe N times\n\
                (1 to 10): the report keeps every reply and each cell's majority verdict;\n\
                progress goes to stderr, with a line under a reply for each setting it shows\n\
                the server did not keep (max tokens gone past, another route, no reasoning)",
    },
];

impl Help {
    /// The help of the subcommand `name`.
    pub fn of(name: &str) -> Option<&'static Help> {
        HELP.iter().find(|h| h.name == name)
    }
}

impl std::fmt::Display for Help {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A short synopsis shares its line with the first line of the text.
        let mut about = self.about.lines().map(str::trim_start);
        if self.synopsis.chars().count() <= 21 && !self.synopsis.contains('\n') {
            writeln!(f, "  {:<23}{}", self.synopsis, about.next().unwrap_or_default())?;
        } else {
            writeln!(f, "  {}", self.synopsis)?;
        }
        for line in about {
            writeln!(f, "{:25}{line}", "")?;
        }
        Ok(())
    }
}

/// The help of every subcommand, as `candor --help` prints it.
pub fn usage() -> String {
    let mut out = String::from("usage:\n");
    for h in HELP {
        out += &h.to_string();
    }
    out + &Help {
        name: "help",
        synopsis: "candor help COMMAND",
        about: "the help of one command (also: candor COMMAND --help)",
    }
    .to_string()
}

/// A command line that asks for nothing Candor can do; `command` is the subcommand whose
/// help would say how, when one was named.
#[derive(Debug, PartialEq)]
pub struct UsageError {
    /// What is wrong, for the user.
    pub message: String,
    /// The subcommand, when the command line got that far.
    pub command: Option<&'static str>,
    /// Whether the command line was empty, so the whole usage is the answer.
    pub nothing_asked: bool,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads a command line (without the program's name).
pub fn parse<I>(args: I) -> Result<Command, UsageError>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut p = lexopt::Parser::from_args(args);
    let name = match p.next() {
        Ok(None) => {
            return Err(UsageError {
                message: "say which command to run".into(),
                command: None,
                nothing_asked: true,
            })
        }
        Ok(Some(Long("help") | Short('h'))) => return Ok(Command::Help(None)),
        Ok(Some(Value(v))) => v.string().map_err(|e| misuse(e, None))?,
        Ok(Some(other)) => return Err(misuse(other.unexpected(), None)),
        Err(e) => return Err(misuse(e, None)),
    };
    let help = |name: &str| {
        Help::of(name).ok_or_else(|| UsageError {
            message: format!("unknown command `{name}`"),
            command: None,
            nothing_asked: false,
        })
    };
    let command = if name == "pack" && then_check(&mut p) {
        help("pack check")?
    } else if name == "help" {
        return match p.next().map_err(|e| misuse(e, None))? {
            None => Ok(Command::Help(None)),
            Some(Value(v)) => {
                let topic = v.string().map_err(|e| misuse(e, None))?;
                let topic = if topic == "pack" && then_check(&mut p) { "pack check".into() } else { topic };
                Ok(Command::Help(Some(help(&topic)?)))
            }
            Some(other) => Err(misuse(other.unexpected(), None)),
        };
    } else {
        help(&name)?
    };
    subcommand(command, &mut p).map_err(|e| misuse(e, Some(command.name)))
}

/// Whether the next argument is the word `check` (of `pack check`), taking it if so.
fn then_check(p: &mut lexopt::Parser) -> bool {
    p.try_raw_args().is_some_and(|mut raw| raw.next_if(|a| a == "check").is_some())
}

fn misuse(e: lexopt::Error, command: Option<&'static str>) -> UsageError {
    UsageError { message: e.to_string(), command, nothing_asked: false }
}

/// The flags and arguments after the subcommand's name.
fn subcommand(help: &'static Help, p: &mut lexopt::Parser) -> Result<Command, lexopt::Error> {
    let mut files: Vec<String> = Vec::new();
    let (mut split, mut misses, mut out, mut format) = (Split::All, false, None, None);
    let mut config = TrainConfig::default();
    let mut written = Written { files: Vec::new(), weight: WRITTEN_WEIGHT };
    let mut run = RunArgs {
        dialect: Dialect::Openai,
        base_url: String::new(),
        model: String::new(),
        api_key_env: None,
        limit: None,
        pack: None,
        out: String::new(),
        think: None,
        tries: 3,
        max_wait_s: 60,
        settings: Settings::default(),
        samples: 1,
    };
    let mut dialect_given = false;
    let mut exit_code = false;
    let mut judge_again = false;
    let name = help.name;
    let takes_training = matches!(name, "train" | "cv");
    while let Some(arg) = p.next()? {
        match arg {
            Long("help") | Short('h') => return Ok(Command::Help(Some(help))),
            Long("split") if name == "eval" || name == "cv" => split = p.value()?.parse_with(split_of)?,
            Long("misses") if name == "eval" || name == "cv" => misses = true,
            Long("exit-code") if name == "compare" => exit_code = true,
            Long("judge-again") if name == "compare" => judge_again = true,
            Long("out") if name == "train" => out = Some(p.value()?.string()?),
            Long("epochs") if takes_training => config.epochs = p.value()?.parse()?,
            Long("lr") if takes_training => config.learning_rate = p.value()?.parse()?,
            Long("l2") if takes_training => config.l2 = p.value()?.parse()?,
            Long("deflection-weight") if takes_training => config.deflection_weight = p.value()?.parse()?,
            Long("runs") if takes_training => config.runs = p.value()?.parse()?,
            Long("written") if takes_training => written.files.push(p.value()?.string()?),
            Long("written-weight") if takes_training => written.weight = p.value()?.parse()?,
            Long("format") if name == "report" => {
                let value = p.value()?.string()?;
                format = Some(value.parse::<ExportFormat>().map_err(|e| e.to_string())?);
            }
            Long("dialect") if name == "run" => {
                let value = p.value()?.string()?;
                run.dialect = Dialect::from_key(&value)
                    .ok_or("the dialects are openai, anthropic, gemini and ollama")?;
                dialect_given = true;
            }
            Long("base-url") if name == "run" => run.base_url = p.value()?.string()?,
            Long("model") if name == "run" => run.model = p.value()?.string()?,
            Long("api-key-env") if name == "run" => run.api_key_env = Some(p.value()?.string()?),
            Long("limit") if name == "run" => run.limit = Some(p.value()?.parse()?),
            Long("pack") | Long("probes") if name == "run" => run.pack = Some(p.value()?.string()?),
            Long("out") if name == "run" => run.out = p.value()?.string()?,
            Long("think") if name == "run" => run.think = Some(true),
            Long("no-think") if name == "run" => run.think = Some(false),
            Long("tries") if name == "run" => run.tries = p.value()?.parse()?,
            Long("max-wait") if name == "run" => run.max_wait_s = p.value()?.parse()?,
            Long("temperature") if name == "run" => run.settings.temperature = Some(p.value()?.parse()?),
            Long("top-p") if name == "run" => run.settings.top_p = Some(p.value()?.parse()?),
            Long("max-tokens") if name == "run" => run.settings.max_tokens = Some(p.value()?.parse()?),
            Long("system") if name == "run" => run.settings.system = p.value()?.string()?,
            Long("route") if name == "run" => run.settings.route = p.value()?.string()?,
            Long("effort") if name == "run" => {
                let value = p.value()?.string()?;
                run.settings.effort =
                    Some(Effort::from_key(&value).ok_or("the reasoning efforts are low, medium and high")?);
            }
            Long("samples") if name == "run" => {
                run.samples = p.value()?.parse()?;
                if !(1..=candor::core::run::MAX_SAMPLES).contains(&run.samples) {
                    return Err(format!("--samples takes 1 to {}", candor::core::run::MAX_SAMPLES).into());
                }
            }
            Value(v) => files.push(v.string()?),
            _ => return Err(arg.unexpected()),
        }
    }
    let count = |want: &str, n: usize| -> Result<(), lexopt::Error> {
        match files.len() {
            k if k < n => Err(format!("`candor {name}` needs {want}").into()),
            k if k > n => Err(lexopt::Error::UnexpectedArgument(files[n].clone().into())),
            _ => Ok(()),
        }
    };
    Ok(match name {
        "classify" => count("no file", 0).map(|()| Command::Classify)?,
        "bench-bad" => count("no file", 0).map(|()| Command::BenchBad)?,
        "eval" | "train" | "cv" if files.is_empty() => {
            return Err(format!("`candor {name}` needs judged files").into())
        }
        "eval" => Command::Eval { files, split, misses },
        "train" => Command::Train { files, written, out, config },
        "cv" => Command::Cv { files, written, config, split, misses },
        "bench" => {
            count("a judged file", 1)?;
            Command::Bench { file: files.remove(0) }
        }
        "pack" | "pack check" => {
            if files.len() > 1 {
                return Err(lexopt::Error::UnexpectedArgument(files[1].clone().into()));
            }
            let file = files.pop();
            if name == "pack" {
                Command::Pack { file }
            } else {
                Command::PackCheck { file }
            }
        }
        "import" => {
            count("a format (speechmap or promptfoo) and a file", 2)?;
            let format = match files[0].parse::<InputFormat>() {
                Ok(f @ (InputFormat::SpeechMap | InputFormat::Promptfoo)) => f,
                _ => {
                    return Err(format!(
                        "cannot import `{}`: the formats are speechmap and promptfoo",
                        files[0]
                    )
                    .into())
                }
            };
            Command::Import { format, file: files.remove(1) }
        }
        "report" => {
            count("a report file", 1)?;
            let format = format.ok_or("say which format to write: --format html, md, csv or json")?;
            Command::Report { file: files.remove(0), format }
        }
        "run" => {
            count("no file", 0)?;
            let missing = [
                (!dialect_given, "--dialect"),
                (run.base_url.is_empty(), "--base-url"),
                (run.model.is_empty(), "--model"),
                (run.out.is_empty(), "--out"),
            ];
            if let Some((_, flag)) = missing.iter().find(|(m, _)| *m) {
                return Err(format!("`candor run` needs {flag}").into());
            }
            Command::Run(Box::new(run))
        }
        "compare" => {
            count("two report files", 2)?;
            let b = files.remove(1);
            Command::Compare { a: files.remove(0), b, exit_code, judge_again }
        }
        other => return Err(format!("unknown command `{other}`").into()),
    })
}

fn split_of(s: &str) -> Result<Split, String> {
    match s {
        "held-out" => Ok(Split::HeldOut),
        "train" => Ok(Split::Train),
        "all" => Ok(Split::All),
        _ => Err("the splits are held-out, train and all".into()),
    }
}

#[cfg(test)]
mod tests;
