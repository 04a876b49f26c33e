//! Placing labels so that they do not cover each other: each label, in order of importance,
//! takes the first of a few spots around its point (right, left, above, below, then the
//! corners) that stays
//! inside the picture and clear of the labels and dots already placed; a label with no such
//! spot is left out. At phone width the milestones around 遵义 (四渡赤水) and the 大渡河 sit a
//! few pixels apart, so fewer labels are drawn there rather than a pile of overlapping ones;
//! the full name of every milestone is in its dot's `<title>`.

/// A rectangle: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect(pub f64, pub f64, pub f64, pub f64);

impl Rect {
    /// Whether two rectangles overlap (touching is fine).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.0 < o.2 && o.0 < self.2 && self.1 < o.3 && o.1 < self.3
    }

    /// A square of half-side `r` around a point.
    pub fn around((x, y): (f64, f64), r: f64) -> Self {
        Rect(x - r, y - r, x + r, y + r)
    }
}

/// Where a label went: its text anchor and baseline, and the box it covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// Anchor point of the text (`x`, `y` of `<text>`, `y` the baseline).
    pub x: f64,
    pub y: f64,
    /// `start`, `end` or `middle`.
    pub anchor: &'static str,
    /// What it covers.
    pub rect: Rect,
}

/// Labels placed so far in a picture, and what they must keep clear of.
#[derive(Debug, Clone)]
pub struct Board {
    bounds: Rect,
    taken: Vec<Rect>,
}

impl Board {
    /// An empty picture of this size.
    pub fn new(width: f64, height: f64) -> Self {
        Self { bounds: Rect(0.0, 0.0, width, height), taken: Vec::new() }
    }

    /// Marks an area as taken (a dot, a legend).
    pub fn block(&mut self, r: Rect) {
        self.taken.push(r);
    }

    /// Places a label `width` × `size` next to `point` (a dot of radius `gap`), or None when
    /// every spot is taken. With `force`, the first spot inside the picture is taken anyway
    /// (the viewer's own team is always labelled).
    pub fn place(&mut self, point: (f64, f64), width: f64, size: f64, gap: f64, force: bool) -> Option<Placed> {
        let (x, y) = point;
        // The baseline sits about 0.35 em below the middle of the letters.
        let mid = size * 0.35;
        let spots = [
            (x + gap, y + mid, "start", Rect(x + gap, y - size / 2.0, x + gap + width, y + size / 2.0)),
            (x - gap, y + mid, "end", Rect(x - gap - width, y - size / 2.0, x - gap, y + size / 2.0)),
            (x, y - gap - size * 0.2, "middle", Rect(x - width / 2.0, y - gap - size, x + width / 2.0, y - gap)),
            (x, y + gap + size * 0.85, "middle", Rect(x - width / 2.0, y + gap, x + width / 2.0, y + gap + size)),
            // Then the corners, for crowded places.
            (x + gap, y - gap - size * 0.2, "start", Rect(x + gap, y - gap - size, x + gap + width, y - gap)),
            (x - gap, y - gap - size * 0.2, "end", Rect(x - gap - width, y - gap - size, x - gap, y - gap)),
            (x + gap, y + gap + size * 0.85, "start", Rect(x + gap, y + gap, x + gap + width, y + gap + size)),
            (x - gap, y + gap + size * 0.85, "end", Rect(x - gap - width, y + gap, x - gap, y + gap + size)),
        ];
        let inside =
            |r: &Rect| r.0 >= self.bounds.0 && r.1 >= self.bounds.1 && r.2 <= self.bounds.2 && r.3 <= self.bounds.3;
        let free = |r: &Rect| !self.taken.iter().any(|t| t.overlaps(r));
        let chosen = spots
            .iter()
            .find(|s| inside(&s.3) && free(&s.3))
            .or_else(|| if force { spots.iter().find(|s| inside(&s.3)) } else { None })?;
        self.taken.push(chosen.3);
        Some(Placed { x: chosen.0, y: chosen.1, anchor: chosen.2, rect: chosen.3 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_moves_round_its_point_and_gives_up_when_boxed_in() {
        let mut b = Board::new(100.0, 100.0);
        let first = b.place((50.0, 50.0), 20.0, 10.0, 6.0, false).unwrap();
        assert_eq!(first.anchor, "start");
        let second = b.place((50.0, 50.0), 20.0, 10.0, 6.0, false).unwrap();
        assert_eq!(second.anchor, "end", "the right is taken");
        assert!(!first.rect.overlaps(&second.rect));
        b.place((50.0, 50.0), 20.0, 10.0, 6.0, false).unwrap();
        b.place((50.0, 50.0), 20.0, 10.0, 6.0, false).unwrap();
        // The corners overlap the labels above and below.
        assert!(b.place((50.0, 50.0), 20.0, 10.0, 6.0, false).is_none(), "every spot taken");
        assert!(b.place((50.0, 50.0), 20.0, 10.0, 6.0, true).is_some(), "forced");
        assert!(b.place((99.0, 20.0), 20.0, 10.0, 6.0, false).unwrap().anchor == "end", "stays inside");
    }

    #[test]
    fn a_corner_is_taken_when_the_four_sides_are() {
        let mut b = Board::new(100.0, 100.0);
        // Right, left, above and below of (50, 50) taken by narrow things.
        for r in [
            Rect(56.0, 48.0, 60.0, 52.0),
            Rect(40.0, 48.0, 44.0, 52.0),
            Rect(49.0, 36.0, 51.0, 44.0),
            Rect(49.0, 56.0, 51.0, 64.0),
        ] {
            b.block(r);
        }
        let at = b.place((50.0, 50.0), 20.0, 10.0, 6.0, false).unwrap();
        assert_eq!(at.anchor, "start");
        assert!(at.y < 50.0, "above, to the right");
    }
}
