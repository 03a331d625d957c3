//! Typed 837 claims: professional (837P, 005010X222A1), institutional (837I, 005010X223A2) and
//! dental (837D, 005010X224A2), with the 4010 and errata labels seen in real files.
//!
//! # Lossless
//!
//! [`parse_837`] keeps *every* segment of a transaction set, byte for byte, in the [`Loop`] it
//! belongs to (submitter 1000A, receiver 1000B, billing provider 2000A/2010AA/AB/AC, subscriber
//! 2000B/2010BA/BB, patient 2000C/2010CA, claim 2300 with 2310x, 2320/2330x and service lines
//! 2400 with 2410, 2420x, 2430, 2440), together with the bytes between segments (terminator and
//! line break). Typed views ([`Claim`], [`ServiceLine`], [`EntityName`], [`Subscriber`]…) decode
//! elements on demand, so an edit of the loops is never out of sync with them, and writing the
//! loops back (crate `denali-emit`) reproduces the input exactly.
//!
//! A claim can be taken out of its file with its full context as an owned
//! [`ClaimWithContext`], and claims from several files can be put together again with
//! [`Claim837Set::assemble`], which renumbers the HL levels.
//!
//! ```
//! use denali_x12::{Event, ParseOptions, Reader};
//! use denali_x12::claim::{parse_837, ClaimKind};
//!
//! let bytes = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~\
//! GS*HC*S*R*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~\
//! BHT*0019*00*1*20240101*1200*CH~NM1*41*2*CLINIC*****46*S1~NM1*40*2*PAYER*****46*R1~\
//! HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~HL*2*1*22*0~SBR*P*18*******CI~\
//! NM1*IL*1*DOE*JANE****MI*M1~NM1*PR*2*PAYER*****PI*P1~CLM*PCN1*100.50***11:B:1*Y*A*Y*Y~\
//! HI*ABK:J101~LX*1~SV1*HC:99213:25*100.50*UN*1***1~DTP*472*D8*20240101~REF*6R*L1~\
//! SE*17*0001~GE*1*1~IEA*1*000000001~";
//! let mut reader = Reader::from_slice(bytes);
//! while let Some(event) = reader.next_event()? {
//!     if let Event::Transaction(tx) = event {
//!         let (set, diagnostics) = parse_837(&tx, &ParseOptions::default());
//!         assert!(diagnostics.is_empty());
//!         assert_eq!(set.kind(), Some(ClaimKind::Professional));
//!         let claim = set.claims().next().unwrap();
//!         assert_eq!(claim.patient_control_number(), Some("PCN1"));
//!         assert_eq!(claim.total_charge().unwrap().to_string(), "100.50");
//!         assert_eq!(claim.frequency_code().unwrap().as_char(), '1');
//!         let line = claim.lines().next().unwrap();
//!         assert_eq!(line.procedure().unwrap().modifiers, ["25"]);
//!         assert_eq!(line.control_number(), Some("L1"));
//!         assert_eq!(claim.subscriber().unwrap().member_id(), Some("M1"));
//!         let json = serde_json::to_string(&set).unwrap();
//!         assert!(json.starts_with(r#"{"set":"837P""#));
//!     }
//! }
//! # Ok::<(), denali_x12::Error>(())
//! ```
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod json;
mod kind;
mod loops;
mod model;
mod owned;
mod parse;
mod view;

pub use kind::{ClaimKind, LoopId};
pub use loops::{Loop, LoopWalk};
pub use model::{Claim837Set, ClaimRef, ClaimWithContext};
pub use owned::{Gap, GapRef, LineEnd, OwnedSegment, SegmentError, delimiter_name, translate};
pub use parse::{parse_837, try_parse_837};
pub use view::{
    BillingProvider, Claim, DatePeriod, EntityName, FrequencyCode, HealthCareCode, Patient,
    Procedure, ServiceLine, Subscriber, is_diagnosis_qualifier,
};
