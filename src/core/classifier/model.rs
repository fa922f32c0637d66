//! The text model: a multinomial logistic regression over hashed features, trained natively
//! by `candor train` and shipped as `static/model/verdict-v1.bin` (8-bit weights).
//!
//! File layout (little-endian): magic `CNDRVM03`, `u32` bucket count, `u32` class count,
//! `f32` scale, then `buckets × classes` signed bytes, bucket by bucket (weight = byte ×
//! scale). The weights stay 8-bit in memory too (192 KB, which stays in the second-level
//! cache), bucket by bucket so a bucket's three weights are read together: lookups, not
//! arithmetic, are what classification waits on.

use crate::core::classifier::features::{Feature, Sink, BUCKETS};

/// The three classes the judges use: answered, deflection, refusal.
pub const CLASSES: usize = 3;
const MAGIC: &[u8; 8] = b"CNDRVM03";

/// Model weights, `weights[bucket][class] as f32 * scale`. A fixed-size array: a bucket
/// (under [`BUCKETS`] by construction) indexes it without a bounds check.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    weights: Box<[[i8; CLASSES]; BUCKETS]>,
    scale: f32,
}

/// Why a model file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Not a model file, or one for another version of the features.
    #[error("not a Candor verdict model (or one built for other features): {0}")]
    Format(String),
}

impl Model {
    /// A model that knows nothing (all weights zero).
    pub fn zero() -> Model {
        Model { weights: Self::table(|_| 0), scale: 1.0 }
    }

    /// The weight table, each weight given by its index in bucket-by-bucket order.
    fn table(weight: impl Fn(usize) -> i8) -> Box<[[i8; CLASSES]; BUCKETS]> {
        let rows: Vec<[i8; CLASSES]> =
            (0..BUCKETS).map(|b| std::array::from_fn(|c| weight(b * CLASSES + c))).collect();
        rows.into_boxed_slice().try_into().unwrap_or_else(|_| unreachable!("BUCKETS rows"))
    }

    /// Reads a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let header = 8 + 4 + 4 + 4;
        if bytes.len() < header || &bytes[..8] != MAGIC {
            return Err(ModelError::Format("bad magic".into()));
        }
        let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let (buckets, classes) = (u32_at(8) as usize, u32_at(12) as usize);
        if buckets != BUCKETS || classes != CLASSES {
            return Err(ModelError::Format(format!("{buckets} buckets × {classes} classes")));
        }
        let scale = f32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        let body = &bytes[header..];
        if body.len() != buckets * classes {
            return Err(ModelError::Format("truncated weights".into()));
        }
        Ok(Model { weights: Self::table(|i| body[i] as i8), scale })
    }

    /// Quantises trained weights (`[bucket * CLASSES + class]`) to 8 bits.
    fn quantise(weights: &[f32]) -> Model {
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        Model { weights: Self::table(|i| (weights[i] / scale).round().clamp(-127.0, 127.0) as i8), scale }
    }

    /// Writes the model file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(20 + CLASSES * BUCKETS);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(BUCKETS as u32).to_le_bytes());
        out.extend_from_slice(&(CLASSES as u32).to_le_bytes());
        out.extend_from_slice(&self.scale.to_le_bytes());
        out.extend(self.weights.iter().flatten().map(|&w| w as u8));
        out
    }

    /// The weight of a bucket for a class.
    pub fn weight(&self, class: usize, bucket: u32) -> f32 {
        f32::from(self.weights[bucket as usize][class]) * self.scale
    }

    /// The three 8-bit weights of a bucket (multiply by [`Model::scale`]).
    pub fn bucket_weights(&self, bucket: u32) -> [i8; CLASSES] {
        self.weights[bucket as usize]
    }

    /// The factor that turns 8-bit weights into real ones.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Raw scores per class.
    pub fn logits(&self, features: &[Feature]) -> [f32; CLASSES] {
        let mut scores = Scores::new(self);
        for &f in features {
            scores.push(f);
        }
        scores.logits()
    }

    /// Class probabilities.
    pub fn probabilities(&self, features: &[Feature]) -> [f32; CLASSES] {
        softmax(self.logits(features))
    }
}

/// A model's scores, summed as features arrive: [`Model::logits`] without the list of
/// features (see [`extract_into`](super::features::extract_into)). The same features in the
/// same order give the same scores, bit for bit.
pub struct Scores<'m> {
    model: &'m Model,
    sums: [f32; CLASSES],
    run: [i32; CLASSES],
    run_value: f32,
}

impl<'m> Scores<'m> {
    /// No features yet.
    pub fn new(model: &'m Model) -> Scores<'m> {
        Scores { model, sums: [0.0; CLASSES], run: [0; CLASSES], run_value: 0.0 }
    }

    /// Raw scores per class.
    pub fn logits(mut self) -> [f32; CLASSES] {
        self.end_run();
        self.sums.map(|z| z * self.model.scale)
    }

    /// Class probabilities.
    pub fn probabilities(self) -> [f32; CLASSES] {
        softmax(self.logits())
    }

    fn end_run(&mut self) {
        for (z, &w) in self.sums.iter_mut().zip(&self.run) {
            *z += w as f32 * self.run_value;
        }
        self.run = [0; CLASSES];
    }
}

impl Sink for Scores<'_> {
    /// Features come in runs that share one value (every n-gram of a group is scaled alike),
    /// so the 8-bit weights of a run are summed as integers and scaled once per run: integer
    /// adds do not wait on each other the way float adds do.
    #[inline]
    fn push(&mut self, (b, v): Feature) {
        if v != self.run_value {
            self.end_run();
            self.run_value = v;
        }
        let [wa, wd, wr] = self.model.weights[b as usize % BUCKETS];
        self.run[0] += i32::from(wa);
        self.run[1] += i32::from(wd);
        self.run[2] += i32::from(wr);
    }

    /// The weights of a run summed in registers, not in the struct: a sum kept in memory
    /// makes each add wait for the store of the one before.
    fn push_run(&mut self, value: f32, buckets: &[u32]) {
        if value != self.run_value {
            self.end_run();
            self.run_value = value;
        }
        let [mut a, mut d, mut r] = self.run;
        for &b in buckets {
            let [wa, wd, wr] = self.model.weights[b as usize % BUCKETS];
            a += i32::from(wa);
            d += i32::from(wd);
            r += i32::from(wr);
        }
        self.run = [a, d, r];
    }
}

/// Turns scores into probabilities.
pub fn softmax(z: [f32; CLASSES]) -> [f32; CLASSES] {
    let m = z.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    let e = z.map(|v| (v - m).exp());
    let s: f32 = e.iter().sum();
    e.map(|v| v / s)
}

/// Training settings. The defaults are what the shipped model was trained with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: usize,
    /// Initial learning rate.
    pub learning_rate: f32,
    /// L2 penalty per step.
    pub l2: f32,
    /// Seed of the example order.
    pub seed: u64,
    /// How much more an evasive example counts than others. The judges' deflections are
    /// the rarest and most varied class; without extra weight the model under-calls them.
    pub deflection_weight: f32,
    /// How many models, each from its own example order, are trained and averaged (see
    /// [`train`]).
    pub runs: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 40,
            learning_rate: 0.5,
            l2: 1e-6,
            seed: 0x5eed,
            deflection_weight: 1.6,
            runs: 4,
        }
    }
}

/// One training example: its features, its class, and how much it counts (1 for a judged
/// reply as it is).
pub type Example = (Vec<Feature>, usize, f32);

/// Trains a model by stochastic gradient descent: `cfg.runs` models, each from its own
/// example order, averaged weight by weight. One order's model read replies unlike the
/// judged ones (other languages, other services) differently from the next one's: adding
/// six phrases to the tables, which changed the examples and so the order, changed 26 of
/// the 1,193 trial replies' verdicts (19 non-answers became answers), against 14 for the
/// average of four. Deterministic: the same examples and settings give the same weights,
/// bit for bit; one run is the single model of `cfg.seed`.
pub fn train(examples: &[Example], cfg: &TrainConfig) -> Model {
    let runs = cfg.runs.max(1);
    let mut sum = vec![0f32; BUCKETS * CLASSES];
    for run in 0..runs {
        let seed = cfg.seed.wrapping_add(0x9e37_79b9_7f4a_7c15u64.wrapping_mul(run as u64));
        for (s, w) in sum.iter_mut().zip(train_once(examples, cfg, seed)) {
            *s += w / runs as f32;
        }
    }
    Model::quantise(&sum)
}

/// One model's weights, from the example order `seed` gives.
fn train_once(examples: &[Example], cfg: &TrainConfig, seed: u64) -> Vec<f32> {
    let mut weights = vec![0f32; BUCKETS * CLASSES];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = seed | 1;
    let mut step = 0usize;
    let steps = (cfg.epochs * examples.len()).max(1);
    for _ in 0..cfg.epochs {
        // Fisher–Yates with a xorshift generator: no dependency, same order everywhere.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let (features, label, example_weight) = &examples[i];
            let lr = cfg.learning_rate * (1.0 - step as f32 / steps as f32).max(0.05);
            step += 1;
            let mut z = [0f32; CLASSES];
            for &(b, v) in features {
                for (c, zc) in z.iter_mut().enumerate() {
                    *zc += weights[b as usize * CLASSES + c] * v;
                }
            }
            let p = softmax(z);
            let weight = example_weight * if *label == 1 { cfg.deflection_weight } else { 1.0 };
            for (c, &pc) in p.iter().enumerate() {
                let g = weight * (pc - if c == *label { 1.0 } else { 0.0 });
                for &(b, v) in features {
                    let w = &mut weights[b as usize * CLASSES + c];
                    *w -= lr * (g * v + cfg.l2 * *w);
                }
            }
        }
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem_and_round_trips_through_bytes() {
        let ex: Vec<Example> =
            (0..30).map(|i| (vec![(i % 3, 1.0), (100 + (i % 3), 0.5)], (i % 3) as usize, 1.0)).collect();
        let m = train(&ex, &TrainConfig { epochs: 20, ..TrainConfig::default() });
        for (f, label, _) in &ex {
            let p = m.probabilities(f);
            let best = (0..CLASSES).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
            assert_eq!(best, *label);
        }
        let again = train(&ex, &TrainConfig { epochs: 20, ..TrainConfig::default() });
        assert_eq!(m, again, "training is deterministic");
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back, m);
        assert!(Model::from_bytes(b"nope").is_err());
    }
}
