//! The owned 837 transaction set and a claim taken out of it with its context.

use crate::claim::kind::{ClaimKind, LoopId};
use crate::claim::loops::Loop;
use crate::claim::owned::{GapRef, OwnedSegment, SegmentError};
use crate::claim::parse::hl_parents;
use crate::claim::view::{BillingProvider, Claim, Context, EntityName, Patient, Subscriber};
use crate::delimiters::Delimiters;
use crate::segment::Segment;

/// Where a claim is in a [`Claim837Set`]: the index of its HL level among the header's child
/// loops, and the index of the claim among that level's child loops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimRef {
    /// Index of the HL loop in [`Claim837Set::root`]'s children.
    pub hl: usize,
    /// Index of the 2300 loop in that HL loop's children.
    pub claim: usize,
}

/// One 837 transaction set (ST through SE), lossless.
///
/// The [`root`](Claim837Set::root) loop holds ST, BHT and whatever else precedes the first loop;
/// its children are 1000A, 1000B and every HL level (2000A/B/C) in input order, flat, as HL
/// levels are written. Each HL loop's children are its name loops (2010xx) and its claims
/// (2300), whose children are 2310x, 2320 (→ 2330x) and 2400 (→ 2410, 2420x, 2430, 2440). The
/// [`trailer`](Claim837Set::trailer) holds SE. Writing root, its tree, then the trailer gives
/// the input back byte for byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim837Set {
    pub(crate) kind: Option<ClaimKind>,
    pub(crate) label: Option<ClaimKind>,
    pub(crate) version: String,
    pub(crate) root: Loop,
    pub(crate) trailer: Loop,
}

impl Claim837Set {
    /// A set from its parts (for example built by hand or by [`Claim837Set::assemble`]).
    pub fn from_parts(kind: Option<ClaimKind>, version: String, root: Loop, trailer: Loop) -> Self {
        let label = ClaimKind::from_version(&version);
        Claim837Set {
            kind,
            label,
            version,
            root,
            trailer,
        }
    }

    /// The kind: decided by the service lines (SV1/SV2/SV3) when there are any, else by the
    /// version label; `None` when neither tells.
    pub fn kind(&self) -> Option<ClaimKind> {
        self.kind
    }

    /// The kind the GS08/ST03 version label names.
    pub fn label(&self) -> Option<ClaimKind> {
        self.label
    }

    /// ST03 if present, else the enclosing GS08 (as read).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The delimiters of the header loop.
    pub fn delimiters(&self) -> Delimiters {
        self.root.delimiters()
    }

    /// The ST segment.
    pub fn st(&self) -> Option<Segment<'_>> {
        self.root.first("ST")
    }

    /// ST01, the transaction set id (`837`).
    pub fn set_id(&self) -> &str {
        self.st()
            .and_then(|s| s.element(1))
            .and_then(|e| e.as_str())
            .unwrap_or("")
    }

    /// ST02, the transaction set control number.
    pub fn control_number(&self) -> &str {
        self.st()
            .and_then(|s| s.element(2))
            .and_then(|e| e.as_str())
            .unwrap_or("")
    }

    /// The BHT segment (beginning of hierarchical transaction).
    pub fn bht(&self) -> Option<Segment<'_>> {
        self.root.first("BHT")
    }

    /// The header loop (ST, BHT…) with every other loop below it.
    pub fn root(&self) -> &Loop {
        &self.root
    }

    /// The header loop, mutably.
    pub fn root_mut(&mut self) -> &mut Loop {
        &mut self.root
    }

    /// The trailer loop (SE).
    pub fn trailer(&self) -> &Loop {
        &self.trailer
    }

    /// The trailer loop, mutably.
    pub fn trailer_mut(&mut self) -> &mut Loop {
        &mut self.trailer
    }

    /// Sets the gap after the last segment (SE), which a transaction set alone cannot know.
    pub fn set_trailing_gap(&mut self, gap: GapRef<'_>) {
        if !self.trailer.set_last_gap(gap) {
            self.root.set_last_gap(gap);
        }
    }

    /// The number of segments from ST to SE.
    pub fn segment_count(&self) -> usize {
        self.root.segment_count_deep() + self.trailer.segment_count_deep()
    }

    /// Every segment from ST to SE in input order, with its loop and gap.
    pub fn segments(&self) -> impl Iterator<Item = (&Loop, Segment<'_>, GapRef<'_>)> + '_ {
        self.root
            .segments_deep()
            .chain(self.trailer.segments_deep())
    }

    /// 1000A submitter name.
    pub fn submitter(&self) -> Option<EntityName<'_>> {
        self.root.child(LoopId::L1000A).map(EntityName::new)
    }

    /// 1000B receiver name.
    pub fn receiver(&self) -> Option<EntityName<'_>> {
        self.root.child(LoopId::L1000B).map(EntityName::new)
    }

    /// The HL levels in input order, with their index among the root's children.
    pub fn hl_levels(&self) -> impl Iterator<Item = (usize, &Loop)> + '_ {
        self.root
            .children()
            .iter()
            .enumerate()
            .filter(|(_, l)| l.id().is_hl())
    }

    /// The HL level that HL02 of the level at `index` names: the nearest earlier level whose
    /// HL01 equals it (HL ids may repeat within a set).
    pub fn hl_parent(&self, index: usize) -> Option<usize> {
        hl_parent(self.root.children(), index)
    }

    /// Billing provider levels (2000A).
    pub fn billing_providers(&self) -> impl Iterator<Item = BillingProvider<'_>> + '_ {
        self.hl_levels()
            .filter(|(_, l)| l.id() == LoopId::L2000A)
            .map(|(_, l)| BillingProvider::new(l))
    }

    /// Every claim in input order, with its context.
    pub fn claims(&self) -> impl Iterator<Item = Claim<'_>> + '_ {
        let parents = hl_parents(self.root.children());
        self.hl_levels().flat_map(move |(hi, hl)| {
            let ctx = self.context_with(&parents, hi);
            hl.children()
                .iter()
                .enumerate()
                .filter(|(_, c)| c.id() == LoopId::L2300)
                .map(move |(ci, c)| {
                    Claim::new(c, self.kind, ctx, Some(ClaimRef { hl: hi, claim: ci }))
                })
        })
    }

    /// The number of claims.
    pub fn claim_count(&self) -> usize {
        self.hl_levels()
            .map(|(_, hl)| hl.children_with(LoopId::L2300).count())
            .sum()
    }

    /// The claim at `r`.
    pub fn claim(&self, r: ClaimRef) -> Option<Claim<'_>> {
        let hl = self.root.children().get(r.hl)?;
        let c = hl
            .children()
            .get(r.claim)
            .filter(|c| c.id() == LoopId::L2300)?;
        Some(Claim::new(c, self.kind, self.context(r.hl), Some(r)))
    }

    /// The 2300 loop at `r`, to edit it.
    pub fn claim_mut(&mut self, r: ClaimRef) -> Option<&mut Loop> {
        self.root
            .children_mut()
            .get_mut(r.hl)?
            .children_mut()
            .get_mut(r.claim)
            .filter(|c| c.id() == LoopId::L2300)
    }

    /// The first claim whose CLM01 (patient control number) equals `pcn`.
    pub fn find_claim(&self, pcn: &str) -> Option<Claim<'_>> {
        self.claims()
            .find(|c| c.patient_control_number() == Some(pcn))
    }

    pub(crate) fn context(&self, hl_index: usize) -> Context<'_> {
        self.context_with(&hl_parents(self.root.children()), hl_index)
    }

    fn context_with(&self, parents: &[Option<usize>], hl_index: usize) -> Context<'_> {
        let kids = self.root.children();
        let mut ctx = Context {
            header: Some(&self.root),
            ..Context::default()
        };
        let mut at = Some(hl_index);
        // Walk up at most a few levels; the guard stops cycles in malformed input.
        for _ in 0..8 {
            let Some(i) = at else { break };
            let Some(l) = kids.get(i) else { break };
            match l.id() {
                LoopId::L2000C if ctx.patient.is_none() && ctx.subscriber.is_none() => {
                    ctx.patient = Some(l)
                }
                LoopId::L2000B if ctx.subscriber.is_none() => ctx.subscriber = Some(l),
                LoopId::L2000A if ctx.billing.is_none() => {
                    ctx.billing = Some(l);
                    break;
                }
                _ => {}
            }
            at = parents.get(i).copied().flatten();
        }
        ctx
    }

    /// The claim at `r` as an owned value with its full context: header (ST, BHT, submitter,
    /// receiver), billing provider, subscriber and patient levels (each with its name loops but
    /// without claims or lower levels), and the claim itself.
    pub fn claim_with_context(&self, r: ClaimRef) -> Option<ClaimWithContext> {
        self.claim_with_context_using(&hl_parents(self.root.children()), r)
    }

    fn claim_with_context_using(
        &self,
        parents: &[Option<usize>],
        r: ClaimRef,
    ) -> Option<ClaimWithContext> {
        let hl = self.root.children().get(r.hl)?;
        let claim = hl
            .children()
            .get(r.claim)
            .filter(|c| c.id() == LoopId::L2300)?;
        let ctx = self.context_with(parents, r.hl);
        let level = |l: Option<&Loop>| l.map(level_only);
        let mut header = self.root.without_children();
        for c in self.root.children().iter().filter(|c| !c.id().is_hl()) {
            header.children_mut().push(c.clone());
        }
        Some(ClaimWithContext {
            kind: self.kind,
            version: self.version.clone(),
            header,
            billing_provider: level(ctx.billing),
            subscriber: level(ctx.subscriber),
            patient: level(ctx.patient),
            claim: claim.clone(),
            trailer: self.trailer.clone(),
        })
    }

    /// Every claim as an owned value with its context.
    pub fn claims_with_context(&self) -> Vec<ClaimWithContext> {
        let parents = hl_parents(self.root.children());
        let refs: Vec<ClaimRef> = self.claims().filter_map(|c| c.location()).collect();
        refs.into_iter()
            .filter_map(|r| self.claim_with_context_using(&parents, r))
            .collect()
    }

    /// Builds a set from claims with their context (from this file or others).
    ///
    /// The header and trailer come from the first claim (or `header`/`trailer` when given).
    /// Consecutive claims with the same billing provider (same segments apart from HL) share one
    /// 2000A; likewise the subscriber under it and the patient under that. HL levels are
    /// numbered 1, 2, 3… in order with HL02 pointing at the new parents and HL04 set to whether
    /// a level has a child level. Returns `None` when there is no claim and no header.
    ///
    /// SE01 and control numbers are not touched here; the writer recounts them.
    ///
    /// # Errors
    /// A [`SegmentError`] when a loop cannot be translated to the header's delimiters.
    pub fn assemble(
        header: Option<Loop>,
        trailer: Option<Loop>,
        claims: impl IntoIterator<Item = ClaimWithContext>,
    ) -> Result<Option<Claim837Set>, SegmentError> {
        let mut claims = claims.into_iter().peekable();
        let first = claims.peek();
        let kind = first.and_then(|c| c.kind);
        let version = first.map(|c| c.version.clone()).unwrap_or_default();
        let Some(mut root) = header.or_else(|| first.map(|c| c.header.clone())) else {
            return Ok(None);
        };
        let trailer = trailer
            .or_else(|| first.map(|c| c.trailer.clone()))
            .unwrap_or_else(|| Loop::new(LoopId::Trailer, kind, root.delimiters()));
        let d = root.delimiters();
        root.children_mut().retain(|c| !c.id().is_hl());
        let mut levels: Vec<Loop> = Vec::new();
        // Index into `levels` of the current billing provider, subscriber, patient.
        let (mut cur_b, mut cur_s, mut cur_p): (Option<usize>, Option<usize>, Option<usize>) =
            (None, None, None);
        for c in claims {
            let ClaimWithContext {
                billing_provider,
                subscriber,
                patient,
                mut claim,
                ..
            } = c;
            let same = |cur: Option<usize>, new: &Loop, levels: &[Loop]| {
                cur.and_then(|i| levels.get(i))
                    .is_some_and(|l| same_level(l, new))
            };
            let mut parent_changed = false;
            if let Some(b) = billing_provider
                && !same(cur_b, &b, &levels)
            {
                levels.push(b);
                cur_b = Some(levels.len() - 1);
                parent_changed = true;
            }
            match subscriber {
                Some(s) => {
                    if parent_changed || !same(cur_s, &s, &levels) {
                        levels.push(s);
                        cur_s = Some(levels.len() - 1);
                        parent_changed = true;
                    }
                }
                None => cur_s = None,
            }
            let target = match patient {
                Some(p) => {
                    if parent_changed || !same(cur_p, &p, &levels) {
                        levels.push(p);
                        cur_p = Some(levels.len() - 1);
                    }
                    cur_p
                }
                None => {
                    cur_p = None;
                    cur_s.or(cur_b)
                }
            };
            if claim.delimiters() != d {
                claim.set_delimiters(d)?;
            }
            match target.and_then(|t| levels.get_mut(t)) {
                Some(l) => l.children_mut().push(claim),
                None => {
                    // No HL context at all: keep the claim under an empty subscriber level so it is
                    // not lost; HL numbering below gives it a segment.
                    let mut l = Loop::new(LoopId::L2000B, kind, d);
                    l.children_mut().push(claim);
                    levels.push(l);
                }
            }
        }
        for l in &mut levels {
            if l.delimiters() != d {
                l.set_delimiters(d)?;
            }
        }
        renumber_hl(&mut levels, d)?;
        root.children_mut().extend(levels);
        Ok(Some(Claim837Set::from_parts(kind, version, root, trailer)))
    }
}

/// The nearest earlier HL loop whose HL01 equals HL02 of the loop at `index`.
pub(crate) fn hl_parent(kids: &[Loop], index: usize) -> Option<usize> {
    let hl = kids.get(index)?.first("HL")?;
    let parent = hl.get(2);
    if parent.is_empty() {
        return None;
    }
    kids.get(..index)?
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| l.id().is_hl() && l.first("HL").is_some_and(|h| h.get(1) == parent))
        .map(|(i, _)| i)
}

/// A copy of an HL level with its name loops but without claims.
fn level_only(l: &Loop) -> Loop {
    let mut out = l.without_children();
    for c in l.children().iter().filter(|c| c.id() != LoopId::L2300) {
        out.children_mut().push(c.clone());
    }
    out
}

/// Whether two HL levels are the same apart from their HL segment and claims.
fn same_level(a: &Loop, b: &Loop) -> bool {
    a.id() == b.id()
        && a.len() == b.len()
        && a.segments()
            .zip(b.segments())
            .skip(1)
            .all(|(x, y)| x.as_bytes() == y.as_bytes())
        && a.children()
            .iter()
            .filter(|c| c.id() != LoopId::L2300)
            .eq(b.children().iter().filter(|c| c.id() != LoopId::L2300))
}

/// Numbers HL levels 1, 2, 3… (in order, one level each) and points HL02 at each level's parent:
/// the nearest earlier level one step up (2000A for 2000B, 2000B for 2000C). HL04 becomes 1 when
/// the next level is a child, else 0.
fn renumber_hl(levels: &mut [Loop], d: Delimiters) -> Result<(), SegmentError> {
    let rank = |id: LoopId| match id {
        LoopId::L2000A => 0u8,
        LoopId::L2000B => 1,
        LoopId::L2000C => 2,
        _ => 1,
    };
    let codes: Vec<LoopId> = levels.iter().map(Loop::id).collect();
    let mut last_at_rank: [Option<usize>; 3] = [None; 3];
    for (i, l) in levels.iter_mut().enumerate() {
        let r = rank(l.id());
        let parent = match r {
            0 => None,
            r => last_at_rank.get(usize::from(r) - 1).copied().flatten(),
        };
        if let Some(slot) = last_at_rank.get_mut(usize::from(r)) {
            *slot = Some(i);
        }
        let has_child = codes.get(i + 1).is_some_and(|n| rank(*n) > r);
        let id = (i + 1).to_string();
        let parent = parent.map(|p| (p + 1).to_string()).unwrap_or_default();
        let code: &[u8] = match l.id() {
            LoopId::L2000A => b"20",
            LoopId::L2000C => b"23",
            LoopId::L2000B => b"22",
            _ => l.first("HL").map(|h| h.get(3)).unwrap_or(b"22"),
        };
        let code = code.to_vec();
        let child: &[u8] = if has_child { b"1" } else { b"0" };
        let seg = OwnedSegment::from_elements(
            "HL",
            &[id.as_bytes(), parent.as_bytes(), &code, child],
            d,
        )?;
        match l.position(|s| s.id().is("HL")) {
            Some(at) => {
                l.replace(at, seg)?;
            }
            None => {
                let gap = l.gap(0).map(|g| g.to_owned()).unwrap_or_default();
                l.insert(0, seg.with_gap(gap))?;
            }
        }
    }
    Ok(())
}

/// A claim taken out of its transaction set, owned, with everything needed to write it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimWithContext {
    /// The kind of the set it came from.
    pub kind: Option<ClaimKind>,
    /// The version label of the set it came from (ST03/GS08).
    pub version: String,
    /// ST, BHT and the other header segments, with 1000A and 1000B as children.
    pub header: Loop,
    /// The 2000A billing provider level with its 2010AA/AB/AC loops.
    pub billing_provider: Option<Loop>,
    /// The 2000B subscriber level with its 2010BA/BB loops.
    pub subscriber: Option<Loop>,
    /// The 2000C patient level with its 2010CA loop, when the patient is not the subscriber.
    pub patient: Option<Loop>,
    /// The 2300 claim with all its loops.
    pub claim: Loop,
    /// The SE trailer of the set it came from.
    pub trailer: Loop,
}

impl ClaimWithContext {
    /// The claim as a typed view.
    pub fn view(&self) -> Claim<'_> {
        let ctx = Context {
            header: Some(&self.header),
            billing: self.billing_provider.as_ref(),
            subscriber: self.subscriber.as_ref(),
            patient: self.patient.as_ref(),
        };
        Claim::new(&self.claim, self.kind, ctx, None)
    }

    /// The subscriber level as a typed view.
    pub fn subscriber_view(&self) -> Option<Subscriber<'_>> {
        self.subscriber.as_ref().map(Subscriber::new)
    }

    /// The patient level as a typed view.
    pub fn patient_view(&self) -> Option<Patient<'_>> {
        self.patient.as_ref().map(Patient::new)
    }

    /// The first loop with this id among header, billing provider, subscriber, patient and
    /// claim (searched in that order, depth first).
    pub fn find_loop(&self, id: LoopId) -> Option<&Loop> {
        self.parts().find_map(|l| l.find_loop(id))
    }

    /// The first loop with this id, mutably (for edits such as 2010BA NM109).
    pub fn find_loop_mut(&mut self, id: LoopId) -> Option<&mut Loop> {
        let parts = [
            Some(&mut self.header),
            self.billing_provider.as_mut(),
            self.subscriber.as_mut(),
            self.patient.as_mut(),
            Some(&mut self.claim),
        ];
        parts
            .into_iter()
            .flatten()
            .find_map(|l| l.find_loop_mut(id))
    }

    fn parts(&self) -> impl Iterator<Item = &Loop> + '_ {
        [
            Some(&self.header),
            self.billing_provider.as_ref(),
            self.subscriber.as_ref(),
            self.patient.as_ref(),
            Some(&self.claim),
        ]
        .into_iter()
        .flatten()
    }

    /// A one-claim transaction set (HL levels renumbered, see [`Claim837Set::assemble`]).
    ///
    /// # Errors
    /// As [`Claim837Set::assemble`].
    pub fn into_set(self) -> Result<Option<Claim837Set>, SegmentError> {
        Claim837Set::assemble(None, None, [self])
    }
}
