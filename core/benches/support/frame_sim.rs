//! Shared by core's `frames_report` and examples' `issue14_report` benches:
//! a seeded xorshift and the simulated display-until-assembled loop.
#![allow(dead_code)]

use liangzheng::qr::frames::{FrameAssembler, FrameStatus};

/// xorshift64 for losses and start frames.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Display time in frames until assembled, over `runs` runs.
pub fn simulate(frames: &[String], loss_percent: u64, runs: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng(seed | 1);
    (0..runs)
        .map(|_| {
            let mut assembler = FrameAssembler::new();
            let start = (rng.next() % frames.len() as u64) as usize;
            for shown in 1.. {
                let frame = &frames[(start + shown - 1) % frames.len()];
                if rng.next() % 100 < loss_percent {
                    continue;
                }
                if let FrameStatus::Complete(_) = assembler.push(frame).unwrap() {
                    return shown;
                }
            }
            unreachable!()
        })
        .collect()
}
