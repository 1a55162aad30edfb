;; Representation Surgery's step loops (src/engine/trained/surgery-simd.ts) in WebAssembly SIMD,
;; four float32 lanes at a time. Every pointer is a byte offset into this module's memory and
;; every length P a multiple of 4. Per image b of the batch (rows z_b, y_b [P]):
;;   a = D·z_b [r]; s = Σ_{k: a_k > 0} a_k·Ut_k [P]; d = (z_b − s) − y_b; loss += Σ|d|;
;;   g = −sign(d)·scale [P]; for every k with a_k > 0: gUt_k += a_k·g, gD_k += (g·Ut_k)·z_b.
;; g is −∂L/∂ẑ for L = mean|ẑ − y|, so with ẑ = z − ReLU(D·z)·Uᵀ the sums gUt and gD are
;; exactly ∂L/∂Uᵀ and ∂L/∂D (surgery.ts writes the derivation out).
(module
  (memory (export "memory") 1)

  ;; Σ x[i]·y[i] over n floats (n % 4 = 0), in four lanes summed at the end.
  (func $dot (param $x i32) (param $y i32) (param $n i32) (result f32)
    (local $acc v128) (local $i i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $i))) (v128.load (i32.add (local.get $y) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

  ;; y[i] += c·x[i] over n floats (n % 4 = 0).
  (func $axpy (param $y i32) (param $c f32) (param $x i32) (param $n i32)
    (local $cv v128) (local $i i32) (local $end i32) (local $p i32)
    (local.set $cv (f32x4.splat (local.get $c)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p (i32.add (local.get $y) (local.get $i)))
        (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p))
          (f32x4.mul (local.get $cv) (v128.load (i32.add (local.get $x) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l))))

  ;; One batch: z, y [B, P]; D, Ut, gD, gUt [r, P]; scratch a [r], s [P], g [P]. gD and gUt are
  ;; accumulated into (the caller zeroes them). Returns Σ|d| over the batch (float64 per row).
  (func (export "step")
    (param $z i32) (param $y i32) (param $D i32) (param $Ut i32) (param $gD i32) (param $gUt i32)
    (param $a i32) (param $s i32) (param $g i32)
    (param $B i32) (param $P i32) (param $r i32) (param $scale f32) (result f64)
    (local $b i32) (local $k i32) (local $i i32) (local $row i32) (local $zb i32) (local $yb i32)
    (local $ak f32) (local $kP i32) (local $d v128) (local $labs v128) (local $loss f64)
    (local $pos v128) (local $neg v128)
    (local.set $row (i32.shl (local.get $P) (i32.const 2)))
    (local.set $pos (f32x4.splat (f32.neg (local.get $scale)))) ;; d > 0 → g = −scale
    (local.set $neg (f32x4.splat (local.get $scale)))           ;; d < 0 → g = +scale
    (block $bdone
      (loop $bl
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $zb (i32.add (local.get $z) (i32.mul (local.get $b) (local.get $row))))
        (local.set $yb (i32.add (local.get $y) (i32.mul (local.get $b) (local.get $row))))
        ;; a = D·z_b; s = 0
        (local.set $k (i32.const 0))
        (block $kd (loop $kl
          (br_if $kd (i32.ge_u (local.get $k) (local.get $r)))
          (f32.store (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2)))
            (call $dot (local.get $zb) (i32.add (local.get $D) (i32.mul (local.get $k) (local.get $row))) (local.get $P)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kl)))
        (memory.fill (local.get $s) (i32.const 0) (local.get $row))
        ;; s += a_k·Ut_k for the active k
        (local.set $k (i32.const 0))
        (block $kd (loop $kl
          (br_if $kd (i32.ge_u (local.get $k) (local.get $r)))
          (local.set $ak (f32.load (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2)))))
          (if (f32.gt (local.get $ak) (f32.const 0))
            (then (call $axpy (local.get $s) (local.get $ak) (i32.add (local.get $Ut) (i32.mul (local.get $k) (local.get $row))) (local.get $P))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kl)))
        ;; d = (z_b − s) − y_b; loss += Σ|d|; g = −sign(d)·scale
        (local.set $labs (v128.const f32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $pd (loop $pl
          (br_if $pd (i32.ge_u (local.get $i) (local.get $row)))
          (local.set $d (f32x4.sub
            (f32x4.sub (v128.load (i32.add (local.get $zb) (local.get $i))) (v128.load (i32.add (local.get $s) (local.get $i))))
            (v128.load (i32.add (local.get $yb) (local.get $i)))))
          (local.set $labs (f32x4.add (local.get $labs) (f32x4.abs (local.get $d))))
          (v128.store (i32.add (local.get $g) (local.get $i))
            (v128.or
              (v128.and (f32x4.gt (local.get $d) (v128.const f32x4 0 0 0 0)) (local.get $pos))
              (v128.and (f32x4.lt (local.get $d) (v128.const f32x4 0 0 0 0)) (local.get $neg))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $pl)))
        (local.set $loss (f64.add (local.get $loss) (f64.add
          (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $labs))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $labs))))
          (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $labs))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $labs)))))))
        ;; gUt_k += a_k·g; gD_k += (g·Ut_k)·z_b, for the active k
        (local.set $k (i32.const 0))
        (block $kd (loop $kl
          (br_if $kd (i32.ge_u (local.get $k) (local.get $r)))
          (local.set $ak (f32.load (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2)))))
          (if (f32.gt (local.get $ak) (f32.const 0))
            (then
              (local.set $kP (i32.mul (local.get $k) (local.get $row)))
              (call $axpy (i32.add (local.get $gUt) (local.get $kP)) (local.get $ak) (local.get $g) (local.get $P))
              (call $axpy (i32.add (local.get $gD) (local.get $kP))
                (call $dot (local.get $g) (i32.add (local.get $Ut) (local.get $kP)) (local.get $P))
                (local.get $zb) (local.get $P))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kl)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bl)))
    (local.get $loss))
)
