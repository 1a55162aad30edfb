;; WebAssembly SIMD kernels of the streaming merge (src/engine/merge/simd-kernels.ts drives them).
;; Assembled by scripts/build-merge-wasm.ts (wabt) into kernels-wasm.ts; kernels.ts holds the
;; JavaScript reference each one reproduces bit for bit (same float32/float64 operations in the same
;; order: no FMA, sums over tasks in task order, one rounding to float32 per output).
;;
;; Every pointer is a byte offset into the exported memory. A chunk holds m entries; element-wise
;; kernels run over n = 16·⌈m/4⌉ bytes of float32 (the caller zero-pads the inputs' last vector),
;; counting kernels stop at exactly m. Per-task arrays lie `stride` bytes apart. Float64 arrays
;; (S, the election mass) take 32 bytes per 4 entries.
(module
  (memory (export "memory") 1)

;; Lanes 2, 3 of a float32x4 reach lanes 0, 1 by (i8x16.shuffle 8 … 7 v v) before
  ;; f64x2.promote_low_f32x4; two float64x2 become one float32x4 through f32x4.demote_f64x2_zero and a
  ;; shuffle. NaN/±Inf detection adds x − x (0 for finite x, NaN otherwise) into a running check
  ;; vector that stays 0 until some x is non-finite. (Written out inline: Node 20's V8 does not
  ;; inline wasm calls, and a call per vector costs more than the arithmetic.)

  ;; τt = θt − θ0 in place over θt (kernels.ts taskVector). Returns 1 when some τ is NaN/±Inf.
  (func (export "taskVectors") (param $base i32) (param $x i32) (param $stride i32) (param $T i32) (param $n i32) (result i32)
    (local $t i32) (local $i i32) (local $p i32) (local $d v128) (local $bad v128)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (loop $tasks
      (local.set $p (i32.add (local.get $x) (i32.mul (local.get $t) (local.get $stride))))
      (local.set $i (i32.const 0))
      (loop $entries
        (local.set $d (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $i))) (v128.load (i32.add (local.get $base) (local.get $i)))))
        (v128.store (i32.add (local.get $p) (local.get $i)) (local.get $d))
        (local.set $bad (f32x4.add (local.get $bad) (f32x4.sub (local.get $d) (local.get $d))))
        (br_if $entries (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $n))))
      (br_if $tasks (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T))))
    (v128.any_true (f32x4.ne (local.get $bad) (local.get $bad))))

;; DARE on τ in place (kernels.ts dareDrop with random.ts createRng): entry j of a tensor draws
  ;; mulberry32's (j+1)-th output of its task's stream, state s0 + (j + 1)·0x6d2b79f5 (uint32 s0 per
  ;; task at $seeds, entries [start, start + m) here), dropped (+0) when the draw u/2³² < p, i.e.
  ;; u < P = p·2³² (exact), else τ · gain in float64, rounded to float32 once.
  (func (export "dareDrop") (param $tau i32) (param $stride i32) (param $T i32) (param $seeds i32) (param $start i32) (param $n i32) (param $P f64) (param $gain f64)
    (local $t i32) (local $i i32) (local $p i32) (local $s v128) (local $x v128) (local $v v128) (local $lo v128) (local $hi v128) (local $drop v128) (local $g v128) (local $pp v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $g (f64x2.splat (local.get $gain)))
    (local.set $pp (f64x2.splat (local.get $P)))
    (loop $tasks
      (local.set $p (i32.add (local.get $tau) (i32.mul (local.get $t) (local.get $stride))))
      ;; lane k of the first vector: s0 + (start + k + 1)·C
      (local.set $s (i32x4.add (i32x4.splat (i32.load (i32.add (local.get $seeds) (i32.shl (local.get $t) (i32.const 2)))))
        (i32x4.mul (i32x4.add (i32x4.splat (i32.add (local.get $start) (i32.const 1))) (v128.const i32x4 0 1 2 3)) (i32x4.splat (i32.const 0x6d2b79f5)))))
      (local.set $i (i32.const 0))
      (loop $entries
        ;; t = imul(s ^ s >>> 15, s | 1); t ^= t + imul(t ^ t >>> 7, t | 61); u = t ^ t >>> 14
        (local.set $x (i32x4.mul (v128.xor (local.get $s) (i32x4.shr_u (local.get $s) (i32.const 15))) (v128.or (local.get $s) (i32x4.splat (i32.const 1)))))
        (local.set $x (v128.xor (local.get $x) (i32x4.add (local.get $x) (i32x4.mul (v128.xor (local.get $x) (i32x4.shr_u (local.get $x) (i32.const 7))) (v128.or (local.get $x) (i32x4.splat (i32.const 61)))))))
        (local.set $x (v128.xor (local.get $x) (i32x4.shr_u (local.get $x) (i32.const 14))))
        (local.set $lo (f64x2.lt (f64x2.convert_low_i32x4_u (local.get $x)) (local.get $pp)))
        (local.set $hi (f64x2.lt (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))) (local.get $pp)))
        (local.set $drop (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo) (local.get $hi)))
        (local.set $v (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $lo (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $g)))
        (local.set $hi (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $g)))
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
        (v128.store (i32.add (local.get $p) (local.get $i)) (v128.andnot (local.get $v) (local.get $drop)))
        (local.set $s (i32x4.add (local.get $s) (i32x4.splat (i32.const 0xb4ade7d4)))) ;; 4·0x6d2b79f5 mod 2³²
        (br_if $entries (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $n))))
      (br_if $tasks (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T)))))

  ;; Task Arithmetic (kernels.ts taskArithmetic): out = θ0 + scale · Σt float32(θt − θ0), the sum in
  ;; float64 in task order. Returns 1 when some output (before rounding to float32) is NaN/±Inf.
  (func (export "taskArithmetic") (param $base i32) (param $x i32) (param $stride i32) (param $T i32) (param $out i32) (param $n i32) (param $scale f64) (result i32)
    (local $t i32) (local $i i32) (local $p i32) (local $d v128) (local $b v128) (local $lo v128) (local $hi v128) (local $s v128) (local $bad v128)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $s (f64x2.splat (local.get $scale)))
    (loop $entries
      (local.set $b (v128.load (i32.add (local.get $base) (local.get $i))))
      (local.set $lo (f64x2.splat (f64.const 0)))
      (local.set $hi (f64x2.splat (f64.const 0)))
      (local.set $p (i32.add (local.get $x) (local.get $i)))
      (local.set $t (i32.const 0))
      (loop $tasks
        (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $b)))
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $d))))
        (local.set $hi (f64x2.add (local.get $hi) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (br_if $tasks (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T))))
      (local.set $lo (f64x2.add (f64x2.promote_low_f32x4 (local.get $b)) (f64x2.mul (local.get $s) (local.get $lo))))
      (local.set $hi (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b))) (f64x2.mul (local.get $s) (local.get $hi))))
      (local.set $bad (f64x2.add (local.get $bad) (f64x2.add (f64x2.sub (local.get $lo) (local.get $lo)) (f64x2.sub (local.get $hi) (local.get $hi)))))
      (v128.store (i32.add (local.get $out) (local.get $i)) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
      (br_if $entries (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $n))))
    (v128.any_true (f64x2.ne (local.get $bad) (local.get $bad))))

  ;; Coarse histograms (magnitude-select.ts addCoarse): per task, 65,536 uint32 buckets (256 KiB,
  ;; tasks `hstride` bytes apart) indexed by the top 16 bits of |τ| (sign dropped). Exactly m entries.
  (func (export "histCoarse") (param $tau i32) (param $stride i32) (param $T i32) (param $h i32) (param $hstride i32) (param $m i32)
    (local $t i32) (local $p i32) (local $end i32) (local $a i32) (local $hb i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (loop $tasks
      (local.set $p (i32.add (local.get $tau) (i32.mul (local.get $t) (local.get $stride))))
      (local.set $end (i32.add (local.get $p) (i32.shl (local.get $m) (i32.const 2))))
      (local.set $hb (i32.add (local.get $h) (i32.mul (local.get $t) (local.get $hstride))))
      (loop $entries
        (local.set $a (i32.add (local.get $hb) (i32.shl (i32.shr_u (i32.and (i32.load (local.get $p)) (i32.const 0x7fffffff)) (i32.const 15)) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (br_if $entries (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 4))) (local.get $end))))
      (br_if $tasks (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T)))))

  ;; Fine histogram of one task (magnitude-select.ts addFine): the entries whose |τ| lies in coarse
  ;; bucket `bucket` count their low 15 bits in h (32,768 uint32) and set flags[i] = 1. Exactly m entries.
  (func (export "histFine") (param $tau i32) (param $h i32) (param $bucket i32) (param $flags i32) (param $m i32)
    (local $i i32) (local $j i32) (local $end i32) (local $a i32) (local $p i32) (local $want v128)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $want (i32x4.splat (local.get $bucket)))
    (loop $vectors
      (if (v128.any_true (i32x4.eq (local.get $want)
            (i32x4.shr_u (v128.and (v128.load (i32.add (local.get $tau) (i32.shl (local.get $i) (i32.const 2)))) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (i32.const 15))))
        (then
          (local.set $end (i32.add (local.get $i) (i32.const 4)))
          (if (i32.gt_u (local.get $end) (local.get $m)) (then (local.set $end (local.get $m))))
          (local.set $j (local.get $i))
          (loop $lanes
            (local.set $a (i32.and (i32.load (i32.add (local.get $tau) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 0x7fffffff)))
            (if (i32.eq (i32.shr_u (local.get $a) (i32.const 15)) (local.get $bucket))
              (then
                (local.set $p (i32.add (local.get $h) (i32.shl (i32.and (local.get $a) (i32.const 0x7fff)) (i32.const 2))))
                (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
                (i32.store8 (i32.add (local.get $flags) (local.get $j)) (i32.const 1))))
            (br_if $lanes (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $end))))))
      (br_if $vectors (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m)))))

  ;; Trim + election mass (kernels.ts trimAndSum): kept_t = τt where its |τ| bits ≥ thr[t] (uint32
  ;; per task at $thr), else +0 (−0 becomes +0); S = Σt kept_t in float64, task order.
  (func (export "trimAndSum") (param $tau i32) (param $kept i32) (param $stride i32) (param $T i32) (param $thr i32) (param $S i32) (param $n i32)
    (local $t i32) (local $i i32) (local $p i32) (local $q i32) (local $th i32) (local $v v128) (local $k v128) (local $lo v128) (local $hi v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $entries
      (local.set $lo (f64x2.splat (f64.const 0)))
      (local.set $hi (f64x2.splat (f64.const 0)))
      (local.set $p (i32.add (local.get $tau) (local.get $i)))
      (local.set $q (i32.add (local.get $kept) (local.get $i)))
      (local.set $th (local.get $thr))
      (local.set $t (i32.const 0))
      (loop $tasks
        (local.set $v (v128.load (local.get $p)))
        ;; |τ| bits ≥ thr ⇔ |τ| bits > thr − 1 (both below 2³¹, so a signed compare is exact)
        (local.set $k (f32x4.add (f32x4.splat (f32.const 0))
          (v128.and (local.get $v)
            (i32x4.gt_s (v128.and (local.get $v) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
              (i32x4.splat (i32.sub (i32.load (local.get $th)) (i32.const 1)))))))
        (v128.store (local.get $q) (local.get $k))
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $k))))
        (local.set $hi (f64x2.add (local.get $hi) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $k) (local.get $k)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $q (i32.add (local.get $q) (local.get $stride)))
        (local.set $th (i32.add (local.get $th) (i32.const 4)))
        (br_if $tasks (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T))))
      (v128.store (i32.add (local.get $S) (i32.shl (local.get $i) (i32.const 1))) (local.get $lo))
      (v128.store offset=16 (i32.add (local.get $S) (i32.shl (local.get $i) (i32.const 1))) (local.get $hi))
      (br_if $entries (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $n)))))

;; Deferred TIES bookkeeping (kernels.ts classifyDeferred): over entries [0, m), lists in $list
  ;; (uint32 indices) the ones settled later — flagged (undecided trim), or S = 0 with some kept τ
  ;; non-zero (an exact cancellation) — and adds sign(S) of the unflagged ones to the int32 at
  ;; $signsAt. Returns how many were listed.
  (func (export "classifyDeferred") (param $flags i32) (param $S i32) (param $kept i32) (param $stride i32) (param $T i32) (param $list i32) (param $signsAt i32) (param $m i32) (result i32)
    (local $i i32) (local $n i32) (local $sum i32) (local $s f64) (local $t i32) (local $p i32) (local $any i32)
    (if (i32.eqz (local.get $m)) (then (return (i32.const 0))))
    (loop $entries
      (local.set $s (f64.load (i32.add (local.get $S) (i32.shl (local.get $i) (i32.const 3)))))
      (if (i32.load8_u (i32.add (local.get $flags) (local.get $i)))
        (then
          (i32.store (i32.add (local.get $list) (i32.shl (local.get $n) (i32.const 2))) (local.get $i))
          (local.set $n (i32.add (local.get $n) (i32.const 1))))
        (else
          (local.set $sum (i32.add (local.get $sum) (i32.sub (f64.gt (local.get $s) (f64.const 0)) (f64.lt (local.get $s) (f64.const 0)))))
          (if (f64.eq (local.get $s) (f64.const 0))
            (then
              (local.set $any (i32.const 0))
              (local.set $p (i32.add (local.get $kept) (i32.shl (local.get $i) (i32.const 2))))
              (local.set $t (i32.const 0))
              (loop $tasks
                (local.set $any (i32.or (local.get $any) (i32.and (i32.load (local.get $p)) (i32.const 0x7fffffff))))
                (local.set $p (i32.add (local.get $p) (local.get $stride)))
                (br_if $tasks (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T))))
              (if (local.get $any)
                (then
                  (i32.store (i32.add (local.get $list) (i32.shl (local.get $n) (i32.const 2))) (local.get $i))
                  (local.set $n (i32.add (local.get $n) (i32.const 1)))))))))
      (br_if $entries (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m))))
    (i32.store (local.get $signsAt) (i32.add (i32.load (local.get $signsAt)) (local.get $sum)))
    (local.get $n))

;; Consensus over a sum (kernels.ts consensusFilter + applyScale): TALL mask of task t where
  ;; |τt| > λt·|S − τt| (float64), entries whose masks number fewer than k get S = 0;
  ;; out = float32(θ0 + scale · S). τ at $tau (per task, $stride apart), S the mass from trimAndSum.
  (func (export "consensusMerge") (param $tau i32) (param $stride i32) (param $T i32) (param $S i32) (param $base i32) (param $out i32) (param $n i32) (param $lambda f64) (param $k i32) (param $scale f64)
    (local $t i32) (local $i i32) (local $p i32) (local $v v128) (local $lo v128) (local $hi v128) (local $clo v128) (local $chi v128)
    (local $l v128) (local $s v128) (local $b v128) (local $sp i32) (local $kk v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $l (f64x2.splat (local.get $lambda)))
    (local.set $s (f64x2.splat (local.get $scale)))
    (local.set $kk (i64x2.splat (i64.extend_i32_s (local.get $k))))
    (loop $entries
      (local.set $sp (i32.add (local.get $S) (i32.shl (local.get $i) (i32.const 1))))
      (local.set $lo (v128.load (local.get $sp)))
      (local.set $hi (v128.load offset=16 (local.get $sp)))
      (local.set $clo (i64x2.splat (i64.const 0)))
      (local.set $chi (i64x2.splat (i64.const 0)))
      (local.set $p (i32.add (local.get $tau) (local.get $i)))
      (local.set $t (i32.const 0))
      (loop $tasks
        (local.set $v (v128.load (local.get $p)))
        ;; masks are all ones (−1) per float64 lane: subtracting counts them
        (local.set $clo (i64x2.sub (local.get $clo) (f64x2.gt (f64x2.abs (f64x2.promote_low_f32x4 (local.get $v)))
          (f64x2.mul (local.get $l) (f64x2.abs (f64x2.sub (local.get $lo) (f64x2.promote_low_f32x4 (local.get $v))))))))
        (local.set $v (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
        (local.set $chi (i64x2.sub (local.get $chi) (f64x2.gt (f64x2.abs (f64x2.promote_low_f32x4 (local.get $v)))
          (f64x2.mul (local.get $l) (f64x2.abs (f64x2.sub (local.get $hi) (f64x2.promote_low_f32x4 (local.get $v))))))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (br_if $tasks (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T))))
      ;; count < k → S = +0
      (local.set $lo (v128.andnot (local.get $lo) (i64x2.lt_s (local.get $clo) (local.get $kk))))
      (local.set $hi (v128.andnot (local.get $hi) (i64x2.lt_s (local.get $chi) (local.get $kk))))
      (local.set $b (v128.load (i32.add (local.get $base) (local.get $i))))
      (local.set $lo (f64x2.add (f64x2.promote_low_f32x4 (local.get $b)) (f64x2.mul (local.get $s) (local.get $lo))))
      (local.set $hi (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b))) (f64x2.mul (local.get $s) (local.get $hi))))
      (v128.store (i32.add (local.get $out) (local.get $i)) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
      (br_if $entries (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $n)))))

  ;; TIES election + disjoint merge + scale (kernels.ts electSigns, disjointMerge, applyScale):
  ;; elected sign positive where S > 0, or S = 0 and g ≠ 0; merged = Σt kept_t over kept_t ≠ 0 whose
  ;; sign agrees (task order, float64), divided by max(count, 1) when mean ≠ 0;
  ;; out = float32(θ0 + scale · merged).
  (func (export "tiesMerge") (param $kept i32) (param $stride i32) (param $T i32) (param $S i32) (param $base i32) (param $out i32) (param $n i32) (param $g i32) (param $scale f64) (param $mean i32)
    (local $t i32) (local $i i32) (local $p i32) (local $k v128) (local $pos v128) (local $agree v128) (local $w v128)
    (local $lo v128) (local $hi v128) (local $cnt v128) (local $s v128) (local $gm v128) (local $b v128) (local $sp i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $s (f64x2.splat (local.get $scale)))
    (local.set $gm (i64x2.splat (i64.extend_i32_u (i32.ne (local.get $g) (i32.const 0)))))
    (local.set $gm (i64x2.ne (local.get $gm) (i64x2.splat (i64.const 0))))
    (loop $entries
      (local.set $sp (i32.add (local.get $S) (i32.shl (local.get $i) (i32.const 1))))
      (local.set $lo (v128.load (local.get $sp)))
      (local.set $hi (v128.load offset=16 (local.get $sp)))
      (local.set $lo (v128.or (f64x2.gt (local.get $lo) (f64x2.splat (f64.const 0))) (v128.and (f64x2.eq (local.get $lo) (f64x2.splat (f64.const 0))) (local.get $gm))))
      (local.set $hi (v128.or (f64x2.gt (local.get $hi) (f64x2.splat (f64.const 0))) (v128.and (f64x2.eq (local.get $hi) (f64x2.splat (f64.const 0))) (local.get $gm))))
      (local.set $pos (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo) (local.get $hi)))
      (local.set $lo (f64x2.splat (f64.const 0)))
      (local.set $hi (f64x2.splat (f64.const 0)))
      (local.set $cnt (i32x4.splat (i32.const 0)))
      (local.set $p (i32.add (local.get $kept) (local.get $i)))
      (local.set $t (i32.const 0))
      (loop $tasks
        (local.set $k (v128.load (local.get $p)))
        ;; agrees: non-zero, and (negative) xor (elected positive)
        (local.set $agree (v128.and
          (i32x4.ne (v128.and (local.get $k) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (i32x4.splat (i32.const 0)))
          (v128.xor (i32x4.shr_s (local.get $k) (i32.const 31)) (local.get $pos))))
        (local.set $w (v128.and (local.get $k) (local.get $agree)))
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $w))))
        (local.set $hi (f64x2.add (local.get $hi) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w)))))
        (local.set $cnt (i32x4.sub (local.get $cnt) (local.get $agree)))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (br_if $tasks (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $T))))
      (if (local.get $mean)
        (then
          (local.set $cnt (i32x4.max_s (local.get $cnt) (i32x4.splat (i32.const 1))))
          (local.set $lo (f64x2.div (local.get $lo) (f64x2.convert_low_i32x4_s (local.get $cnt))))
          (local.set $hi (f64x2.div (local.get $hi) (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $cnt) (local.get $cnt)))))))
      (local.set $b (v128.load (i32.add (local.get $base) (local.get $i))))
      (local.set $lo (f64x2.add (f64x2.promote_low_f32x4 (local.get $b)) (f64x2.mul (local.get $s) (local.get $lo))))
      (local.set $hi (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b))) (f64x2.mul (local.get $s) (local.get $hi))))
      (v128.store (i32.add (local.get $out) (local.get $i)) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
      (br_if $entries (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $n)))))
)
