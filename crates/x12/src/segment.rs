//! Borrowed segments and elements.
//!
//! A [`Segment`] is a slice of the input (or of the reader's buffer) from its id up to, not
//! including, its terminator. Elements are split lazily, only when asked for, so segments the
//! typed models do not read cost nothing beyond finding their terminator.

use crate::delimiters::Delimiters;
use crate::error::{Position, SegmentId};
use memchr::memchr;

/// One segment, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    id: SegmentId,
    raw: &'a [u8],
    delimiters: Delimiters,
    offset: u64,
    index: u32,
}

impl<'a> Segment<'a> {
    /// A segment over `raw` (id first, no terminator). `offset` is the byte offset of its first
    /// byte in the input and `index` its 1-based index in the input.
    #[inline]
    pub fn new(
        id: SegmentId,
        raw: &'a [u8],
        delimiters: Delimiters,
        offset: u64,
        index: u32,
    ) -> Segment<'a> {
        Segment {
            id,
            raw,
            delimiters,
            offset,
            index,
        }
    }

    /// The segment id, e.g. `CLP`.
    #[inline]
    pub fn id(&self) -> SegmentId {
        self.id
    }

    /// The raw bytes from the id up to (not including) the terminator.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The delimiters in force for this segment.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// Position of the segment as a whole.
    #[inline]
    pub fn position(&self) -> Position {
        Position {
            offset: self.offset,
            segment_index: self.index,
            segment_id: self.id,
            element: 0,
            component: 0,
        }
    }

    /// Position of element `n` (1-based) of this segment; its byte offset points at the element's
    /// first byte when the element exists.
    pub fn element_position(&self, n: usize) -> Position {
        let mut pos = self.position().at_element(n);
        let mut at = 0usize;
        for (i, part) in self
            .raw
            .split(|&b| b == self.delimiters.element)
            .enumerate()
        {
            if i == n {
                pos.offset = self.offset + at as u64;
                break;
            }
            at += part.len() + 1;
        }
        pos
    }

    /// Position of element `n` (1-based) when `el` is that element's bytes (as returned by this
    /// segment's accessors): O(1), unlike [`Segment::element_position`].
    #[inline]
    pub fn position_of(&self, n: usize, el: &[u8]) -> Position {
        let mut pos = self.position().at_element(n);
        let delta = (el.as_ptr() as usize).wrapping_sub(self.raw.as_ptr() as usize);
        if delta <= self.raw.len() {
            pos.offset = self.offset + delta as u64;
        }
        pos
    }

    /// The elements after the id, in order (element 1 first). Empty elements are included.
    #[inline]
    pub fn elements(&self) -> Elements<'a> {
        let sep = self.delimiters.element;
        let id_len = usize::from(self.id.as_bytes().len() as u8);
        let rest = match self.raw.get(id_len) {
            Some(&b) if b == sep => self.raw.get(id_len + 1..),
            _ => self
                .raw
                .iter()
                .position(|&b| b == sep)
                .and_then(|i| self.raw.get(i + 1..)),
        };
        Elements {
            rest,
            delimiters: self.delimiters,
        }
    }

    /// Element `n` (1-based), or `None` if the segment has fewer elements.
    pub fn element(&self, n: usize) -> Option<Element<'a>> {
        if n == 0 {
            return None;
        }
        self.elements().nth(n - 1)
    }

    /// Element `n` as bytes; empty when absent.
    pub fn get(&self, n: usize) -> &'a [u8] {
        self.element(n).map(|e| e.as_bytes()).unwrap_or(&[])
    }

    /// Splits all elements into `out` (cleared first): `out[0]` is element 1. Reuse `out` across
    /// segments to avoid allocation.
    #[inline]
    pub fn split_into(&self, out: &mut Vec<Element<'a>>) {
        out.clear();
        out.extend(self.elements());
    }

    /// The number of elements after the id.
    pub fn element_count(&self) -> usize {
        match memchr(self.delimiters.element, self.raw) {
            Some(i) => {
                1 + memchr::memchr_iter(
                    self.delimiters.element,
                    self.raw.get(i + 1..).unwrap_or(&[]),
                )
                .count()
            }
            None => 0,
        }
    }
}

/// Iterator over a segment's elements.
#[derive(Clone, Debug)]
pub struct Elements<'a> {
    rest: Option<&'a [u8]>,
    delimiters: Delimiters,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Element<'a>;

    #[inline]
    fn next(&mut self) -> Option<Element<'a>> {
        let rest = self.rest?;
        // Elements are short: a plain scan beats memchr's per-call set-up here.
        let sep = self.delimiters.element;
        match rest.iter().position(|&b| b == sep) {
            Some(i) => {
                self.rest = rest.get(i + 1..);
                Some(Element {
                    raw: rest.get(..i).unwrap_or(&[]),
                    delimiters: self.delimiters,
                })
            }
            None => {
                self.rest = None;
                Some(Element {
                    raw: rest,
                    delimiters: self.delimiters,
                })
            }
        }
    }
}

/// One element, borrowed. It may be simple, composite (components) or repeated (repetitions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element<'a> {
    raw: &'a [u8],
    delimiters: Delimiters,
}

impl<'a> Element<'a> {
    /// An element over raw bytes.
    #[inline]
    pub fn new(raw: &'a [u8], delimiters: Delimiters) -> Element<'a> {
        Element { raw, delimiters }
    }

    /// The raw bytes, components and repetitions included.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The value as text when it is valid UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.raw).ok()
    }

    /// Whether the element is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Components of a composite element (a simple element yields itself once).
    #[inline]
    pub fn components(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.raw.split(split_on(self.delimiters.component))
    }

    /// Component `n` (1-based); empty when absent.
    #[inline]
    pub fn component(&self, n: usize) -> &'a [u8] {
        if n == 0 {
            return &[];
        }
        self.components().nth(n - 1).unwrap_or(&[])
    }

    /// Repetitions of a repeated element (one when there is no repetition separator).
    pub fn repetitions(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        let delimiters = self.delimiters;
        let sep = delimiters.repetition;
        let raw = self.raw;
        let mut done = false;
        let mut rest = raw;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            match sep.and_then(|s| memchr(s, rest)) {
                Some(i) => {
                    let part = rest.get(..i).unwrap_or(&[]);
                    rest = rest.get(i + 1..).unwrap_or(&[]);
                    Some(Element {
                        raw: part,
                        delimiters,
                    })
                }
                None => {
                    done = true;
                    Some(Element {
                        raw: rest,
                        delimiters,
                    })
                }
            }
        })
    }
}

fn split_on(sep: u8) -> impl Fn(&u8) -> bool {
    move |&b| b == sep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(raw: &[u8]) -> Segment<'_> {
        let d = Delimiters::default();
        let id_end = raw
            .iter()
            .position(|&b| b == d.element)
            .unwrap_or(raw.len());
        Segment::new(SegmentId::new(&raw[..id_end]).unwrap(), raw, d, 0, 1)
    }

    #[test]
    fn elements_and_components() {
        let s = seg(b"SVC*HC:99213:25:59*100**1");
        assert_eq!(s.element_count(), 4);
        assert_eq!(s.get(2), b"100");
        assert_eq!(s.get(3), b"");
        assert_eq!(s.get(9), b"");
        let e = s.element(1).unwrap();
        assert_eq!(
            e.components().collect::<Vec<_>>(),
            vec![&b"HC"[..], b"99213", b"25", b"59"]
        );
        assert_eq!(e.component(2), b"99213");
        assert_eq!(e.component(7), b"");
        assert_eq!(s.element_position(2).offset, 19);
    }

    #[test]
    fn no_elements() {
        let s = seg(b"SE");
        assert_eq!(s.element_count(), 0);
        assert!(s.element(1).is_none());
    }

    #[test]
    fn repetitions() {
        let s = seg(b"HI*ABK:J10^ABF:R05");
        let reps: Vec<_> = s
            .element(1)
            .unwrap()
            .repetitions()
            .map(|e| e.as_bytes())
            .collect();
        assert_eq!(reps, vec![&b"ABK:J10"[..], b"ABF:R05"]);
    }
}
