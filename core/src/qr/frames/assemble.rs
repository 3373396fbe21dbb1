//! Putting scanned frames back together, in any order, with gaps.

use std::collections::BTreeMap;

use raptorq::{EncodingPacket, ObjectTransmissionInformation, PayloadId, SourceBlockDecoder};

use super::super::QrPayload;
use super::wire::{self, Frame, ID_LEN};
use super::{FrameError, MAX_EXTRA_FRAMES, SWITCH_AFTER_FOREIGN};

/// How far an assembly has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Distinct frames of this code received so far.
    pub frames_seen: u32,
    /// Frames needed at least (the source frame count); a fountain code
    /// occasionally needs one or two more.
    pub frames_needed: u32,
    /// `frames_seen` as a percentage of `frames_needed`, 0–99 until the
    /// message is assembled (never 100 before it is).
    pub percent: u8,
}

/// What one scanned frame did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameStatus {
    /// A new frame of the code being assembled; not complete yet.
    Accepted(Progress),
    /// A frame already received (the animation loops); nothing changed.
    Duplicate(Progress),
    /// A frame of another code while this one is being assembled: ignored,
    /// so two codes never mix. After [`SWITCH_AFTER_FOREIGN`] such frames in
    /// a row with none of the current code, the assembler gives the current
    /// one up and starts on the new one.
    OtherCode(Progress),
    /// The message is assembled and its hash checked.
    Complete(QrPayload),
    /// A frame of a code already completed (the animation keeps looping).
    AlreadyComplete,
}

#[derive(Debug)]
struct Assembly {
    id: [u8; ID_LEN],
    message_len: u32,
    symbol_size: u16,
    source_symbols: u32,
    frames: BTreeMap<u32, Vec<u8>>,
    foreign_streak: u32,
}

impl Assembly {
    fn start(frame: Frame) -> Self {
        let mut frames = BTreeMap::new();
        let source_symbols = frame.source_symbols();
        frames.insert(frame.index, frame.symbol);
        Self {
            id: frame.id,
            message_len: frame.message_len,
            symbol_size: frame.symbol_size,
            source_symbols,
            frames,
            foreign_streak: 0,
        }
    }

    fn progress(&self) -> Progress {
        let seen = u32::try_from(self.frames.len()).unwrap_or(u32::MAX);
        let needed = self.source_symbols.max(1);
        let percent = (u64::from(seen) * 100 / u64::from(needed)).min(99);
        Progress {
            frames_seen: seen,
            frames_needed: needed,
            percent: u8::try_from(percent).unwrap_or(99),
        }
    }

    /// Tries to decode with every frame held. `Ok(None)`: not enough yet.
    fn try_decode(&self) -> Result<Option<Vec<u8>>, FrameError> {
        if (self.frames.len() as u64) < u64::from(self.source_symbols) {
            return Ok(None);
        }
        let config = ObjectTransmissionInformation::new(
            u64::from(self.message_len),
            self.symbol_size,
            1,
            1,
            1,
        );
        let block_len = u64::from(self.source_symbols) * u64::from(self.symbol_size);
        let mut decoder = SourceBlockDecoder::new(0, &config, block_len);
        let packets = self
            .frames
            .iter()
            .map(|(&index, symbol)| EncodingPacket::new(PayloadId::new(0, index), symbol.clone()));
        let Some(block) = decoder.decode(packets) else {
            return Ok(None);
        };
        let len = self.message_len as usize;
        let (message, padding) = block
            .split_at_checked(len)
            .ok_or(FrameError::HashMismatch)?;
        if padding.iter().any(|&b| b != 0) || wire::message_id(message) != self.id {
            return Err(FrameError::HashMismatch);
        }
        Ok(Some(message.to_vec()))
    }
}

/// Assembles one multi-frame code from scanned frame texts.
///
/// Feed it every text the camera reads ([`push`](Self::push)), in any
/// order, duplicates and gaps included. It locks onto the first code it
/// sees and ignores frames of any other (reported as
/// [`FrameStatus::OtherCode`]), so two codes never mix. Memory is bounded
/// before anything is allocated: every header is checked against
/// [`super::MAX_MESSAGE_LEN`], [`super::MAX_SYMBOL_SIZE`] and
/// [`super::MAX_SOURCE_SYMBOLS`], and at most `source frames +`
/// [`MAX_EXTRA_FRAMES`] frames are held.
///
/// A frame that contradicts an earlier one of the same code, or a set of
/// frames that decodes to a message that does not match the code's hash, is
/// a typed error ([`FrameError::InconsistentHeader`],
/// [`FrameError::ConflictingFrame`], [`FrameError::HashMismatch`]); after a
/// hash mismatch the assembler starts over.
#[derive(Debug, Default)]
pub struct FrameAssembler {
    current: Option<Assembly>,
    completed: Option<[u8; ID_LEN]>,
    completed_progress: Option<Progress>,
}

impl FrameAssembler {
    /// An empty assembler.
    pub fn new() -> Self {
        Self::default()
    }

    /// Progress of the code being assembled, if any.
    pub fn progress(&self) -> Option<Progress> {
        self.current.as_ref().map(Assembly::progress)
    }

    /// How the last completed code ended: the distinct frames it took, its
    /// source frame count, and `percent` 100. `None` before any completion
    /// and after [`reset`](Self::reset).
    pub fn completed_progress(&self) -> Option<Progress> {
        self.completed_progress
    }

    /// Forgets everything, including the last completed code.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Takes one scanned frame text.
    pub fn push(&mut self, text: &str) -> Result<FrameStatus, FrameError> {
        let frame = wire::parse_frame(text)?;
        if self.completed == Some(frame.id) {
            return Ok(FrameStatus::AlreadyComplete);
        }
        let assembly = match &mut self.current {
            None => {
                self.current = Some(Assembly::start(frame));
                return self.after_new_frame();
            }
            Some(a) => a,
        };
        if frame.id != assembly.id {
            assembly.foreign_streak = assembly.foreign_streak.saturating_add(1);
            if assembly.foreign_streak < SWITCH_AFTER_FOREIGN {
                return Ok(FrameStatus::OtherCode(assembly.progress()));
            }
            self.current = Some(Assembly::start(frame));
            return self.after_new_frame();
        }
        assembly.foreign_streak = 0;
        if frame.message_len != assembly.message_len || frame.symbol_size != assembly.symbol_size {
            return Err(FrameError::InconsistentHeader);
        }
        if let Some(held) = assembly.frames.get(&frame.index) {
            return if *held == frame.symbol {
                Ok(FrameStatus::Duplicate(assembly.progress()))
            } else {
                Err(FrameError::ConflictingFrame { index: frame.index })
            };
        }
        let limit = assembly.source_symbols as usize + MAX_EXTRA_FRAMES;
        if assembly.frames.len() >= limit {
            let held = assembly.frames.len();
            self.current = None;
            return Err(FrameError::TooManyFrames { held });
        }
        assembly.frames.insert(frame.index, frame.symbol);
        self.after_new_frame()
    }

    fn after_new_frame(&mut self) -> Result<FrameStatus, FrameError> {
        let Some(assembly) = &self.current else {
            return Err(FrameError::BadMessage);
        };
        match assembly.try_decode() {
            Ok(None) => Ok(FrameStatus::Accepted(assembly.progress())),
            Ok(Some(message)) => {
                let id = assembly.id;
                let done = Progress {
                    percent: 100,
                    ..assembly.progress()
                };
                self.current = None;
                let payload = wire::parse_message(&message)?;
                self.completed = Some(id);
                self.completed_progress = Some(done);
                Ok(FrameStatus::Complete(payload))
            }
            Err(e) => {
                self.current = None;
                Err(e)
            }
        }
    }
}
