;; The ingest fast path's hot loop in WebAssembly text with 128-bit SIMD: copy a JSON string's
;; content as the content of the JSON string JSON.stringify would write for its value after
;; whitespace normalisation (runs of whitespace → one space, trimmed). It is the SIMD twin of
;; copyNormalizedString in src/sources/json-bytes.ts, which documents the rules; the two must give
;; the same bytes (tests compare them).
;;
;; Compiled by `node scripts/build-kernels.mjs` into src/sources/json-text-wasm.ts (base64);
;; src/sources/json-text-kernel.ts is the TypeScript side. The module owns its memory; the caller
;; places input and output regions in it. Input must be valid UTF-8 (the caller checks).
(module
  (memory (export "memory") 1)

  ;; Where copy_text stopped: the input index to go on from, and the end of what it wrote.
  (global $next (export "next") (mut i32) (i32.const 0))
  (global $out_end (export "out_end") (mut i32) (i32.const 0))

  ;; copy_text(i, end, o, start) → status
  ;;   i: the first content byte (just after the opening quote, or where an earlier call stopped)
  ;;   end: input bound; o: where to write; start: where this string's output began (o ≥ start)
  ;; Status 0: the closing quote was reached (next = the index after it, out_end = output end).
  ;; Status 1: a \u escape at next (out_end = output so far): the caller decodes it and calls again.
  ;; Status -1: invalid or unterminated before end.
  ;; Output is never longer than the input it came from, so `o` needs room for end - i bytes.
  ;;
  ;; Sixteen bytes go at a time while they are printable ASCII (no quote, no backslash) with no
  ;; space right after a space. Lanes 1–15 see their predecessor in the same block, which is
  ;; copied as is; lane 0's predecessor in the OUTPUT may be a space an escape became, so it is
  ;; checked against out[o-1].
  (func (export "copy_text") (param $i i32) (param $end i32) (param $o i32) (param $start i32) (result i32)
    (local $c i32) (local $e i32) (local $n i32) (local $m i32) (local $k i32) (local $v v128)
    (loop $top
      ;; Whole blocks, once the output has started (leading whitespace is dropped one byte at a time).
      (if (i32.gt_u (local.get $o) (local.get $start))
        (then
          (block $simd_done
            (loop $simd
              (br_if $simd_done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end)))
              (local.set $v (v128.load (local.get $i)))
              ;; Lanes that stop the copy; signed < 0x20 also catches every byte ≥ 0x80 (negative as i8).
              (local.set $m
                (i32.or
                  (i8x16.bitmask
                    (v128.or
                      (v128.or
                        (i8x16.lt_s (local.get $v) (i8x16.splat (i32.const 0x20)))
                        (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22))))
                      (v128.or
                        (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c)))
                        (v128.and
                          (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x20)))
                          (i8x16.eq (v128.load (i32.sub (local.get $i) (i32.const 1))) (i8x16.splat (i32.const 0x20)))))))
                  (i32.and
                    (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x20))
                    (i32.eq (i32.load8_u (i32.sub (local.get $o) (i32.const 1))) (i32.const 0x20)))))
              ;; All sixteen are stored; only the lanes before the first stopping one count.
              (v128.store (local.get $o) (local.get $v))
              (local.set $k (i32.ctz (i32.or (local.get $m) (i32.const 0x10000))))
              (local.set $i (i32.add (local.get $i) (local.get $k)))
              (local.set $o (i32.add (local.get $o) (local.get $k)))
              (br_if $simd (i32.eq (local.get $k) (i32.const 16)))))))
      (if (i32.ge_u (local.get $i) (local.get $end)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $i)))
      ;; Printable ASCII other than space, quote and backslash: as is.
      (if (i32.and
            (i32.and (i32.gt_u (local.get $c) (i32.const 0x20)) (i32.lt_u (local.get $c) (i32.const 0x80)))
            (i32.and (i32.ne (local.get $c) (i32.const 0x22)) (i32.ne (local.get $c) (i32.const 0x5c))))
        (then
          (i32.store8 (local.get $o) (local.get $c))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $top)))
      (if (i32.eq (local.get $c) (i32.const 0x20))
        (then
          (local.set $o (call $space (local.get $o) (local.get $start)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $top)))
      (if (i32.eq (local.get $c) (i32.const 0x22))
        (then
          ;; A space left at the end is taken back (trim).
          (if (i32.gt_u (local.get $o) (local.get $start))
            (then
              (if (i32.eq (i32.load8_u (i32.sub (local.get $o) (i32.const 1))) (i32.const 0x20))
                (then (local.set $o (i32.sub (local.get $o) (i32.const 1)))))))
          (global.set $next (i32.add (local.get $i) (i32.const 1)))
          (global.set $out_end (local.get $o))
          (return (i32.const 0))))
      ;; A raw control character is not JSON.
      (if (i32.lt_u (local.get $c) (i32.const 0x20)) (then (return (i32.const -1))))
      (if (i32.eq (local.get $c) (i32.const 0x5c))
        (then
          (if (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $end)) (then (return (i32.const -1))))
          (local.set $e (i32.load8_u offset=1 (local.get $i)))
          (if (i32.eq (local.get $e) (i32.const 0x75))
            (then
              (global.set $next (local.get $i))
              (global.set $out_end (local.get $o))
              (return (i32.const 1))))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          ;; \" and \\ stay escaped; \/ is a plain slash; \b stays \b.
          (if (i32.or (i32.eq (local.get $e) (i32.const 0x22)) (i32.eq (local.get $e) (i32.const 0x5c)))
            (then
              (i32.store8 (local.get $o) (i32.const 0x5c))
              (i32.store8 offset=1 (local.get $o) (local.get $e))
              (local.set $o (i32.add (local.get $o) (i32.const 2)))
              (br $top)))
          (if (i32.eq (local.get $e) (i32.const 0x2f))
            (then
              (i32.store8 (local.get $o) (i32.const 0x2f))
              (local.set $o (i32.add (local.get $o) (i32.const 1)))
              (br $top)))
          (if (i32.eq (local.get $e) (i32.const 0x62))
            (then
              (i32.store8 (local.get $o) (i32.const 0x5c))
              (i32.store8 offset=1 (local.get $o) (i32.const 0x62))
              (local.set $o (i32.add (local.get $o) (i32.const 2)))
              (br $top)))
          ;; \f \n \r \t: whitespace.
          (if (i32.or
                (i32.or (i32.eq (local.get $e) (i32.const 0x66)) (i32.eq (local.get $e) (i32.const 0x6e)))
                (i32.or (i32.eq (local.get $e) (i32.const 0x72)) (i32.eq (local.get $e) (i32.const 0x74))))
            (then
              (local.set $o (call $space (local.get $o) (local.get $start)))
              (br $top)))
          (return (i32.const -1))))
      ;; A UTF-8 sequence (valid: checked by the caller); only a few are whitespace.
      (local.set $n
        (select (i32.const 2)
          (select (i32.const 3) (i32.const 4) (i32.lt_u (local.get $c) (i32.const 0xf0)))
          (i32.lt_u (local.get $c) (i32.const 0xe0))))
      (if (i32.gt_u (i32.add (local.get $i) (local.get $n)) (local.get $end)) (then (return (i32.const -1))))
      (if (call $utf8_whitespace (local.get $i) (local.get $c))
        (then (local.set $o (call $space (local.get $o) (local.get $start))))
        (else
          (i32.store8 (local.get $o) (local.get $c))
          (i32.store8 offset=1 (local.get $o) (i32.load8_u offset=1 (local.get $i)))
          (if (i32.gt_u (local.get $n) (i32.const 2))
            (then (i32.store8 offset=2 (local.get $o) (i32.load8_u offset=2 (local.get $i)))))
          (if (i32.gt_u (local.get $n) (i32.const 3))
            (then (i32.store8 offset=3 (local.get $o) (i32.load8_u offset=3 (local.get $i)))))
          (local.set $o (i32.add (local.get $o) (local.get $n)))))
      (local.set $i (i32.add (local.get $i) (local.get $n)))
      (br $top))
    (i32.const -1))

  ;; Whitespace becomes one space, unless the output is empty or already ends in one.
  (func $space (param $o i32) (param $start i32) (result i32)
    (if (i32.gt_u (local.get $o) (local.get $start))
      (then
        (if (i32.ne (i32.load8_u (i32.sub (local.get $o) (i32.const 1))) (i32.const 0x20))
          (then
            (i32.store8 (local.get $o) (i32.const 0x20))
            (return (i32.add (local.get $o) (i32.const 1)))))))
    (local.get $o))

  ;; Whether the UTF-8 sequence at i (lead byte c ≥ 0x80) is JavaScript whitespace: U+00A0, U+1680,
  ;; U+2000–200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
  (func $utf8_whitespace (param $i i32) (param $c i32) (result i32)
    (local $c1 i32) (local $c2 i32)
    (local.set $c1 (i32.load8_u offset=1 (local.get $i)))
    (if (i32.eq (local.get $c) (i32.const 0xc2)) (then (return (i32.eq (local.get $c1) (i32.const 0xa0)))))
    (if (i32.lt_u (local.get $c) (i32.const 0xe0)) (then (return (i32.const 0))))
    (local.set $c2 (i32.load8_u offset=2 (local.get $i)))
    (if (i32.eq (local.get $c) (i32.const 0xe1))
      (then (return (i32.and (i32.eq (local.get $c1) (i32.const 0x9a)) (i32.eq (local.get $c2) (i32.const 0x80))))))
    (if (i32.eq (local.get $c) (i32.const 0xe2))
      (then
        (if (i32.eq (local.get $c1) (i32.const 0x80))
          (then
            (return
              (i32.or
                (i32.or (i32.le_u (local.get $c2) (i32.const 0x8a)) (i32.eq (local.get $c2) (i32.const 0xa8)))
                (i32.or (i32.eq (local.get $c2) (i32.const 0xa9)) (i32.eq (local.get $c2) (i32.const 0xaf)))))))
        (return (i32.and (i32.eq (local.get $c1) (i32.const 0x81)) (i32.eq (local.get $c2) (i32.const 0x9f))))))
    (if (i32.eq (local.get $c) (i32.const 0xe3))
      (then (return (i32.and (i32.eq (local.get $c1) (i32.const 0x80)) (i32.eq (local.get $c2) (i32.const 0x80))))))
    (if (i32.eq (local.get $c) (i32.const 0xef))
      (then (return (i32.and (i32.eq (local.get $c1) (i32.const 0xbb)) (i32.eq (local.get $c2) (i32.const 0xbf))))))
    (i32.const 0))
)
