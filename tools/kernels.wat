;; Hot kernels of the linear text classifier, in WebAssembly text with 128-bit SIMD (f32x4).
;;
;; Compiled by `node scripts/build-kernels.mjs` into src/models/linear/kernels-wasm.ts (base64), twice:
;; once importing an ordinary memory and once importing a shared one (the build script rewrites
;; the memory import below to `(memory 1 65536 shared)`). src/models/linear/kernels.ts is the TypeScript
;; side and documents the contract; keep the two in step.
;;
;; Every pointer is a byte offset into the imported memory. A weight matrix is row-major: feature
;; f's row starts at  w + f * stride * 4  and the kernels touch its first `cols` floats
;; (cols <= stride). Rows need not be 16-byte aligned (v128.load/store accept any address), but
;; they are faster when they are, i.e. when stride is a multiple of 4 and w is 16-aligned.
;; Columns are handled four at a time with SIMD and the last cols % 4 with scalar code.
;; Out-of-bounds addresses trap (a RuntimeError in JS); nothing is written past the memory.
(module
  (import "env" "memory" (memory 1))

  ;; out[c] += sum_k val[k] * W[idx[k]][c]   for c < cols.
  ;; Rows are taken four at a time so `out` is loaded and stored once per four rows (and four rows'
  ;; memory traffic is in flight); columns eight at a time, then four, then one by one.
  (func (export "scores_add")
    (param $out i32) (param $w i32) (param $stride i32) (param $cols i32)
    (param $idx i32) (param $val i32) (param $nnz i32)
    (local $rs i32) (local $end4 i32) (local $endc i32) (local $k i32) (local $k4 i32) (local $c i32) (local $p i32) (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $rs (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $endc (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $k4 (i32.and (local.get $nnz) (i32.const -4)))

    ;; Four rows at a time.
    (block $rows4_done
      (loop $rows4
        (br_if $rows4_done (i32.ge_s (local.get $k) (local.get $k4)))
        (local.set $p (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $r0 (i32.add (local.get $w) (i32.mul (i32.load (local.get $p)) (local.get $rs))))
        (local.set $r1 (i32.add (local.get $w) (i32.mul (i32.load offset=4 (local.get $p)) (local.get $rs))))
        (local.set $r2 (i32.add (local.get $w) (i32.mul (i32.load offset=8 (local.get $p)) (local.get $rs))))
        (local.set $r3 (i32.add (local.get $w) (i32.mul (i32.load offset=12 (local.get $p)) (local.get $rs))))
        (local.set $p (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $s0 (f32.load (local.get $p)))
        (local.set $s1 (f32.load offset=4 (local.get $p)))
        (local.set $s2 (f32.load offset=8 (local.get $p)))
        (local.set $s3 (f32.load offset=12 (local.get $p)))
        (local.set $v0 (f32x4.splat (local.get $s0)))
        (local.set $v1 (f32x4.splat (local.get $s1)))
        (local.set $v2 (f32x4.splat (local.get $s2)))
        (local.set $v3 (f32x4.splat (local.get $s3)))
        (local.set $c (i32.const 0))
        (block $c8_done
          (loop $c8
            (br_if $c8_done (i32.gt_u (i32.add (local.get $c) (i32.const 32)) (local.get $end4)))
            (local.set $p (i32.add (local.get $out) (local.get $c)))
            (local.set $q0 (i32.add (local.get $r0) (local.get $c)))
            (local.set $q1 (i32.add (local.get $r1) (local.get $c)))
            (local.set $q2 (i32.add (local.get $r2) (local.get $c)))
            (local.set $q3 (i32.add (local.get $r3) (local.get $c)))
            (v128.store (local.get $p)
              (f32x4.add (v128.load (local.get $p))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $v0) (v128.load (local.get $q0))) (f32x4.mul (local.get $v1) (v128.load (local.get $q1))))
                  (f32x4.add (f32x4.mul (local.get $v2) (v128.load (local.get $q2))) (f32x4.mul (local.get $v3) (v128.load (local.get $q3)))))))
            (v128.store offset=16 (local.get $p)
              (f32x4.add (v128.load offset=16 (local.get $p))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $v0) (v128.load offset=16 (local.get $q0))) (f32x4.mul (local.get $v1) (v128.load offset=16 (local.get $q1))))
                  (f32x4.add (f32x4.mul (local.get $v2) (v128.load offset=16 (local.get $q2))) (f32x4.mul (local.get $v3) (v128.load offset=16 (local.get $q3)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 32)))
            (br $c8)))
        (block $c4_done
          (loop $c4
            (br_if $c4_done (i32.ge_u (local.get $c) (local.get $end4)))
            (local.set $p (i32.add (local.get $out) (local.get $c)))
            (v128.store (local.get $p)
              (f32x4.add
                (v128.load (local.get $p))
                (f32x4.add
                  (f32x4.add
                    (f32x4.mul (local.get $v0) (v128.load (i32.add (local.get $r0) (local.get $c))))
                    (f32x4.mul (local.get $v1) (v128.load (i32.add (local.get $r1) (local.get $c)))))
                  (f32x4.add
                    (f32x4.mul (local.get $v2) (v128.load (i32.add (local.get $r2) (local.get $c))))
                    (f32x4.mul (local.get $v3) (v128.load (i32.add (local.get $r3) (local.get $c))))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $c4)))
        (block $c1_done
          (loop $c1
            (br_if $c1_done (i32.ge_u (local.get $c) (local.get $endc)))
            (local.set $p (i32.add (local.get $out) (local.get $c)))
            (f32.store (local.get $p)
              (f32.add
                (f32.load (local.get $p))
                (f32.add
                  (f32.add
                    (f32.mul (local.get $s0) (f32.load (i32.add (local.get $r0) (local.get $c))))
                    (f32.mul (local.get $s1) (f32.load (i32.add (local.get $r1) (local.get $c)))))
                  (f32.add
                    (f32.mul (local.get $s2) (f32.load (i32.add (local.get $r2) (local.get $c))))
                    (f32.mul (local.get $s3) (f32.load (i32.add (local.get $r3) (local.get $c))))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $c1)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $rows4)))

    ;; The last nnz % 4 rows one at a time.
    (block $rows1_done
      (loop $rows1
        (br_if $rows1_done (i32.ge_s (local.get $k) (local.get $nnz)))
        (local.set $r0 (i32.add (local.get $w)
          (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $rs))))
        (local.set $s0 (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $v0 (f32x4.splat (local.get $s0)))
        (local.set $c (i32.const 0))
        (block $d4_done
          (loop $d4
            (br_if $d4_done (i32.ge_u (local.get $c) (local.get $end4)))
            (local.set $p (i32.add (local.get $out) (local.get $c)))
            (v128.store (local.get $p)
              (f32x4.add (v128.load (local.get $p))
                (f32x4.mul (local.get $v0) (v128.load (i32.add (local.get $r0) (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $d4)))
        (block $d1_done
          (loop $d1
            (br_if $d1_done (i32.ge_u (local.get $c) (local.get $endc)))
            (local.set $p (i32.add (local.get $out) (local.get $c)))
            (f32.store (local.get $p)
              (f32.add (f32.load (local.get $p))
                (f32.mul (local.get $s0) (f32.load (i32.add (local.get $r0) (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $d1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows1))))

  ;; out[c] += sum_k val[k] * Q[idx[k]][c]   for c < cols rounded up to 16, Q int8.
  ;; Row f of Q starts at  q + f * stride  (stride in bytes). Sixteen columns at a time with no
  ;; scalar tail, so `out` needs room for cols rounded up to 16 floats and the memory must hold 15
  ;; bytes past the last row's `cols`; what lands in out[cols..] is to be ignored. The int8 weights
  ;; are a quarter of float32's memory traffic and size. Rows go four at a time so each 16 columns
  ;; of `out` are loaded and stored once per four rows.
  (func (export "scores_add_i8")
    (param $out i32) (param $q i32) (param $stride i32) (param $cols i32)
    (param $idx i32) (param $val i32) (param $nnz i32)
    (local $k i32) (local $k4 i32) (local $c i32) (local $p i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $k4 (i32.and (local.get $nnz) (i32.const -4)))
    (block $rows4_done
      (loop $rows4
        (br_if $rows4_done (i32.ge_s (local.get $k) (local.get $k4)))
        (local.set $p (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $r0 (i32.add (local.get $q) (i32.mul (i32.load (local.get $p)) (local.get $stride))))
        (local.set $r1 (i32.add (local.get $q) (i32.mul (i32.load offset=4 (local.get $p)) (local.get $stride))))
        (local.set $r2 (i32.add (local.get $q) (i32.mul (i32.load offset=8 (local.get $p)) (local.get $stride))))
        (local.set $r3 (i32.add (local.get $q) (i32.mul (i32.load offset=12 (local.get $p)) (local.get $stride))))
        (local.set $p (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $v0 (f32x4.splat (f32.load (local.get $p))))
        (local.set $v1 (f32x4.splat (f32.load offset=4 (local.get $p))))
        (local.set $v2 (f32x4.splat (f32.load offset=8 (local.get $p))))
        (local.set $v3 (f32x4.splat (f32.load offset=12 (local.get $p))))
        (local.set $c (i32.const 0))
        (block $c_done
          (loop $c16
            (br_if $c_done (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $b0 (v128.load (i32.add (local.get $r0) (local.get $c))))
            (local.set $b1 (v128.load (i32.add (local.get $r1) (local.get $c))))
            (local.set $b2 (v128.load (i32.add (local.get $r2) (local.get $c))))
            (local.set $b3 (v128.load (i32.add (local.get $r3) (local.get $c))))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))))
            (v128.store (local.get $p)
              (f32x4.add (v128.load (local.get $p))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $v0) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b0)))))
                    (f32x4.mul (local.get $v1) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b1))))))
                  (f32x4.add (f32x4.mul (local.get $v2) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b2)))))
                    (f32x4.mul (local.get $v3) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b3)))))))))
            (v128.store offset=16 (local.get $p)
              (f32x4.add (v128.load offset=16 (local.get $p))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $v0) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b0)))))
                    (f32x4.mul (local.get $v1) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b1))))))
                  (f32x4.add (f32x4.mul (local.get $v2) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b2)))))
                    (f32x4.mul (local.get $v3) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b3)))))))))
            (v128.store offset=32 (local.get $p)
              (f32x4.add (v128.load offset=32 (local.get $p))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $v0) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b0)))))
                    (f32x4.mul (local.get $v1) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b1))))))
                  (f32x4.add (f32x4.mul (local.get $v2) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b2)))))
                    (f32x4.mul (local.get $v3) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b3)))))))))
            (v128.store offset=48 (local.get $p)
              (f32x4.add (v128.load offset=48 (local.get $p))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $v0) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b0)))))
                    (f32x4.mul (local.get $v1) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b1))))))
                  (f32x4.add (f32x4.mul (local.get $v2) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b2)))))
                    (f32x4.mul (local.get $v3) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b3)))))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $c16)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $rows4)))
    (block $rows1_done
      (loop $rows1
        (br_if $rows1_done (i32.ge_s (local.get $k) (local.get $nnz)))
        (local.set $r0 (i32.add (local.get $q)
          (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
        (local.set $v0 (f32x4.splat (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $c (i32.const 0))
        (block $d_done
          (loop $d16
            (br_if $d_done (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $b0 (v128.load (i32.add (local.get $r0) (local.get $c))))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))))
            (v128.store (local.get $p)
              (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $v0) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b0)))))))
            (v128.store offset=16 (local.get $p)
              (f32x4.add (v128.load offset=16 (local.get $p)) (f32x4.mul (local.get $v0) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_low_i8x16_s (local.get $b0)))))))
            (v128.store offset=32 (local.get $p)
              (f32x4.add (v128.load offset=32 (local.get $p)) (f32x4.mul (local.get $v0) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b0)))))))
            (v128.store offset=48 (local.get $p)
              (f32x4.add (v128.load offset=48 (local.get $p)) (f32x4.mul (local.get $v0) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (i16x8.extend_high_i8x16_s (local.get $b0)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $d16)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows1))))

  ;; One row of the dense update: W[r][c] = W[r][c] * shrink + s * g[c] for c < cols
  ;; (end4/endc: cols rounded down to 4, and cols, in bytes). shrink == 1 skips the multiply.
  (func $axpy_row (param $r i32) (param $g i32) (param $s f32) (param $shrink f32) (param $end4 i32) (param $endc i32)
    (local $c i32) (local $p i32) (local $v v128) (local $h v128)
    (local.set $v (f32x4.splat (local.get $s)))
    (if (f32.eq (local.get $shrink) (f32.const 1))
      (then
        (block $a4_done
          (loop $a4
            (br_if $a4_done (i32.ge_u (local.get $c) (local.get $end4)))
            (local.set $p (i32.add (local.get $r) (local.get $c)))
            (v128.store (local.get $p)
              (f32x4.add (v128.load (local.get $p))
                (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $g) (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $a4))))
      (else
        (local.set $h (f32x4.splat (local.get $shrink)))
        (block $b4_done
          (loop $b4
            (br_if $b4_done (i32.ge_u (local.get $c) (local.get $end4)))
            (local.set $p (i32.add (local.get $r) (local.get $c)))
            (v128.store (local.get $p)
              (f32x4.add (f32x4.mul (local.get $h) (v128.load (local.get $p)))
                (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $g) (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $b4)))))
    (block $t_done
      (loop $t
        (br_if $t_done (i32.ge_u (local.get $c) (local.get $endc)))
        (local.set $p (i32.add (local.get $r) (local.get $c)))
        (f32.store (local.get $p)
          (f32.add (f32.mul (local.get $shrink) (f32.load (local.get $p)))
            (f32.mul (local.get $s) (f32.load (i32.add (local.get $g) (local.get $c))))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $t))))

  ;; For each k in order: W[idx[k]][c] = W[idx[k]][c] * shrink + val[k] * g[c]   for c < cols.
  ;; The result is that of updating the rows one after another (a repeated index sees the earlier
  ;; update). Four rows are updated side by side, which keeps four rows' memory traffic in flight,
  ;; unless two of the four are the same row: then those four go one by one.
  (func (export "rows_axpy_dense")
    (param $w i32) (param $stride i32) (param $cols i32) (param $idx i32) (param $val i32) (param $nnz i32)
    (param $g i32) (param $shrink f32)
    (local $rs i32) (local $end4 i32) (local $endc i32) (local $k i32) (local $k4 i32) (local $c i32) (local $p i32)
    (local $i0 i32) (local $i1 i32) (local $i2 i32) (local $i3 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $gc f32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $h v128) (local $gv v128)
    (local.set $rs (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $endc (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $k4 (i32.and (local.get $nnz) (i32.const -4)))
    (local.set $h (f32x4.splat (local.get $shrink)))
    (block $rows4_done
      (loop $rows4
        (br_if $rows4_done (i32.ge_s (local.get $k) (local.get $k4)))
        (local.set $p (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $i0 (i32.load (local.get $p)))
        (local.set $i1 (i32.load offset=4 (local.get $p)))
        (local.set $i2 (i32.load offset=8 (local.get $p)))
        (local.set $i3 (i32.load offset=12 (local.get $p)))
        (local.set $r0 (i32.add (local.get $w) (i32.mul (local.get $i0) (local.get $rs))))
        (local.set $r1 (i32.add (local.get $w) (i32.mul (local.get $i1) (local.get $rs))))
        (local.set $r2 (i32.add (local.get $w) (i32.mul (local.get $i2) (local.get $rs))))
        (local.set $r3 (i32.add (local.get $w) (i32.mul (local.get $i3) (local.get $rs))))
        (local.set $p (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $s0 (f32.load (local.get $p)))
        (local.set $s1 (f32.load offset=4 (local.get $p)))
        (local.set $s2 (f32.load offset=8 (local.get $p)))
        (local.set $s3 (f32.load offset=12 (local.get $p)))
        (if (i32.or
              (i32.or (i32.or (i32.eq (local.get $i0) (local.get $i1)) (i32.eq (local.get $i0) (local.get $i2)))
                      (i32.or (i32.eq (local.get $i0) (local.get $i3)) (i32.eq (local.get $i1) (local.get $i2))))
              (i32.or (i32.eq (local.get $i1) (local.get $i3)) (i32.eq (local.get $i2) (local.get $i3))))
          (then
            (call $axpy_row (local.get $r0) (local.get $g) (local.get $s0) (local.get $shrink) (local.get $end4) (local.get $endc))
            (call $axpy_row (local.get $r1) (local.get $g) (local.get $s1) (local.get $shrink) (local.get $end4) (local.get $endc))
            (call $axpy_row (local.get $r2) (local.get $g) (local.get $s2) (local.get $shrink) (local.get $end4) (local.get $endc))
            (call $axpy_row (local.get $r3) (local.get $g) (local.get $s3) (local.get $shrink) (local.get $end4) (local.get $endc)))
          (else
            (local.set $v0 (f32x4.splat (local.get $s0)))
            (local.set $v1 (f32x4.splat (local.get $s1)))
            (local.set $v2 (f32x4.splat (local.get $s2)))
            (local.set $v3 (f32x4.splat (local.get $s3)))
            (local.set $c (i32.const 0))
            (if (f32.eq (local.get $shrink) (f32.const 1))
              (then
                (block $a4_done
                  (loop $a4
                    (br_if $a4_done (i32.ge_u (local.get $c) (local.get $end4)))
                    (local.set $gv (v128.load (i32.add (local.get $g) (local.get $c))))
                    (local.set $p (i32.add (local.get $r0) (local.get $c)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $v0) (local.get $gv))))
                    (local.set $p (i32.add (local.get $r1) (local.get $c)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $v1) (local.get $gv))))
                    (local.set $p (i32.add (local.get $r2) (local.get $c)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $v2) (local.get $gv))))
                    (local.set $p (i32.add (local.get $r3) (local.get $c)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $v3) (local.get $gv))))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $a4))))
              (else
                (block $b4_done
                  (loop $b4
                    (br_if $b4_done (i32.ge_u (local.get $c) (local.get $end4)))
                    (local.set $gv (v128.load (i32.add (local.get $g) (local.get $c))))
                    (local.set $p (i32.add (local.get $r0) (local.get $c)))
                    (v128.store (local.get $p) (f32x4.add (f32x4.mul (local.get $h) (v128.load (local.get $p))) (f32x4.mul (local.get $v0) (local.get $gv))))
                    (local.set $p (i32.add (local.get $r1) (local.get $c)))
                    (v128.store (local.get $p) (f32x4.add (f32x4.mul (local.get $h) (v128.load (local.get $p))) (f32x4.mul (local.get $v1) (local.get $gv))))
                    (local.set $p (i32.add (local.get $r2) (local.get $c)))
                    (v128.store (local.get $p) (f32x4.add (f32x4.mul (local.get $h) (v128.load (local.get $p))) (f32x4.mul (local.get $v2) (local.get $gv))))
                    (local.set $p (i32.add (local.get $r3) (local.get $c)))
                    (v128.store (local.get $p) (f32x4.add (f32x4.mul (local.get $h) (v128.load (local.get $p))) (f32x4.mul (local.get $v3) (local.get $gv))))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $b4)))))
            (block $t_done
              (loop $t
                (br_if $t_done (i32.ge_u (local.get $c) (local.get $endc)))
                (local.set $gc (f32.load (i32.add (local.get $g) (local.get $c))))
                (local.set $p (i32.add (local.get $r0) (local.get $c)))
                (f32.store (local.get $p) (f32.add (f32.mul (local.get $shrink) (f32.load (local.get $p))) (f32.mul (local.get $s0) (local.get $gc))))
                (local.set $p (i32.add (local.get $r1) (local.get $c)))
                (f32.store (local.get $p) (f32.add (f32.mul (local.get $shrink) (f32.load (local.get $p))) (f32.mul (local.get $s1) (local.get $gc))))
                (local.set $p (i32.add (local.get $r2) (local.get $c)))
                (f32.store (local.get $p) (f32.add (f32.mul (local.get $shrink) (f32.load (local.get $p))) (f32.mul (local.get $s2) (local.get $gc))))
                (local.set $p (i32.add (local.get $r3) (local.get $c)))
                (f32.store (local.get $p) (f32.add (f32.mul (local.get $shrink) (f32.load (local.get $p))) (f32.mul (local.get $s3) (local.get $gc))))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $t)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $rows4)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $k) (local.get $nnz)))
        (call $axpy_row
          (i32.add (local.get $w)
            (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $rs)))
          (local.get $g)
          (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))
          (local.get $shrink) (local.get $end4) (local.get $endc))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows))))

  ;; One row of the sparse update: if shrink != 1, W[r][c] *= shrink for c < cols; then
  ;; W[r][active[q]] += s * g[q] for q < na.
  (func $active_row (param $r i32) (param $s f32) (param $active i32) (param $g i32) (param $na i32)
    (param $shrink f32) (param $end4 i32) (param $endc i32)
    (local $q i32) (local $p i32)
    (if (f32.ne (local.get $shrink) (f32.const 1))
      (then (call $scale_row (local.get $r) (local.get $shrink) (local.get $end4) (local.get $endc))))
    (block $q_done
      (loop $qs
        (br_if $q_done (i32.ge_s (local.get $q) (local.get $na)))
        (local.set $p (i32.add (local.get $r)
          (i32.shl (i32.load (i32.add (local.get $active) (i32.shl (local.get $q) (i32.const 2)))) (i32.const 2))))
        (f32.store (local.get $p)
          (f32.add (f32.load (local.get $p))
            (f32.mul (local.get $s) (f32.load (i32.add (local.get $g) (i32.shl (local.get $q) (i32.const 2)))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $qs))))

  ;; W[r][c] *= shrink for c < cols.
  (func $scale_row (param $r i32) (param $shrink f32) (param $end4 i32) (param $endc i32)
    (local $c i32) (local $p i32) (local $h v128)
    (local.set $h (f32x4.splat (local.get $shrink)))
    (block $h4_done
      (loop $h4
        (br_if $h4_done (i32.ge_u (local.get $c) (local.get $end4)))
        (local.set $p (i32.add (local.get $r) (local.get $c)))
        (v128.store (local.get $p) (f32x4.mul (local.get $h) (v128.load (local.get $p))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $h4)))
    (block $h1_done
      (loop $h1
        (br_if $h1_done (i32.ge_u (local.get $c) (local.get $endc)))
        (local.set $p (i32.add (local.get $r) (local.get $c)))
        (f32.store (local.get $p) (f32.mul (local.get $shrink) (f32.load (local.get $p))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $h1))))

  ;; For each k in order: if shrink != 1, W[idx[k]][c] *= shrink for c < cols; then
  ;; W[idx[k]][active[q]] += val[k] * g[q]   for q < na   (g is compact: one entry per active class).
  ;; As with rows_axpy_dense, four distinct rows are updated side by side (scalar: the active
  ;; classes are scattered); a group of four with a repeated row goes one by one.
  (func (export "rows_axpy_active")
    (param $w i32) (param $stride i32) (param $cols i32) (param $idx i32) (param $val i32) (param $nnz i32)
    (param $active i32) (param $g i32) (param $na i32) (param $shrink f32)
    (local $rs i32) (local $end4 i32) (local $endc i32) (local $k i32) (local $k4 i32) (local $q i32) (local $p i32) (local $col i32)
    (local $i0 i32) (local $i1 i32) (local $i2 i32) (local $i3 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $gq f32)
    (local.set $rs (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $endc (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $k4 (i32.and (local.get $nnz) (i32.const -4)))
    (block $rows4_done
      (loop $rows4
        (br_if $rows4_done (i32.ge_s (local.get $k) (local.get $k4)))
        (local.set $p (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $i0 (i32.load (local.get $p)))
        (local.set $i1 (i32.load offset=4 (local.get $p)))
        (local.set $i2 (i32.load offset=8 (local.get $p)))
        (local.set $i3 (i32.load offset=12 (local.get $p)))
        (local.set $r0 (i32.add (local.get $w) (i32.mul (local.get $i0) (local.get $rs))))
        (local.set $r1 (i32.add (local.get $w) (i32.mul (local.get $i1) (local.get $rs))))
        (local.set $r2 (i32.add (local.get $w) (i32.mul (local.get $i2) (local.get $rs))))
        (local.set $r3 (i32.add (local.get $w) (i32.mul (local.get $i3) (local.get $rs))))
        (local.set $p (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $s0 (f32.load (local.get $p)))
        (local.set $s1 (f32.load offset=4 (local.get $p)))
        (local.set $s2 (f32.load offset=8 (local.get $p)))
        (local.set $s3 (f32.load offset=12 (local.get $p)))
        (if (i32.or
              (i32.or (i32.or (i32.eq (local.get $i0) (local.get $i1)) (i32.eq (local.get $i0) (local.get $i2)))
                      (i32.or (i32.eq (local.get $i0) (local.get $i3)) (i32.eq (local.get $i1) (local.get $i2))))
              (i32.or (i32.eq (local.get $i1) (local.get $i3)) (i32.eq (local.get $i2) (local.get $i3))))
          (then
            (call $active_row (local.get $r0) (local.get $s0) (local.get $active) (local.get $g) (local.get $na) (local.get $shrink) (local.get $end4) (local.get $endc))
            (call $active_row (local.get $r1) (local.get $s1) (local.get $active) (local.get $g) (local.get $na) (local.get $shrink) (local.get $end4) (local.get $endc))
            (call $active_row (local.get $r2) (local.get $s2) (local.get $active) (local.get $g) (local.get $na) (local.get $shrink) (local.get $end4) (local.get $endc))
            (call $active_row (local.get $r3) (local.get $s3) (local.get $active) (local.get $g) (local.get $na) (local.get $shrink) (local.get $end4) (local.get $endc)))
          (else
            (if (f32.ne (local.get $shrink) (f32.const 1))
              (then
                (call $scale_row (local.get $r0) (local.get $shrink) (local.get $end4) (local.get $endc))
                (call $scale_row (local.get $r1) (local.get $shrink) (local.get $end4) (local.get $endc))
                (call $scale_row (local.get $r2) (local.get $shrink) (local.get $end4) (local.get $endc))
                (call $scale_row (local.get $r3) (local.get $shrink) (local.get $end4) (local.get $endc))))
            (local.set $q (i32.const 0))
            (block $q_done
              (loop $qs
                (br_if $q_done (i32.ge_s (local.get $q) (local.get $na)))
                (local.set $p (i32.shl (local.get $q) (i32.const 2)))
                (local.set $col (i32.shl (i32.load (i32.add (local.get $active) (local.get $p))) (i32.const 2)))
                (local.set $gq (f32.load (i32.add (local.get $g) (local.get $p))))
                (local.set $p (i32.add (local.get $r0) (local.get $col)))
                (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32.mul (local.get $s0) (local.get $gq))))
                (local.set $p (i32.add (local.get $r1) (local.get $col)))
                (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32.mul (local.get $s1) (local.get $gq))))
                (local.set $p (i32.add (local.get $r2) (local.get $col)))
                (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32.mul (local.get $s2) (local.get $gq))))
                (local.set $p (i32.add (local.get $r3) (local.get $col)))
                (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32.mul (local.get $s3) (local.get $gq))))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $qs)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $rows4)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $k) (local.get $nnz)))
        (call $active_row
          (i32.add (local.get $w)
            (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $rs)))
          (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))
          (local.get $active) (local.get $g) (local.get $na) (local.get $shrink) (local.get $end4) (local.get $endc))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows))))
)
