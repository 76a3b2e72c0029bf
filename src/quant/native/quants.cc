// oellm native block quantizers: a Node-API addon (build/Release/oellm_quants.node) with the same
// quantizers as src/quant/*.ts — F16, Q8_0, Q4_0, Q5_0, Q4_K, Q6_K — in C float32, bit-identical to
// ggml's reference quantizers (compiled with -ffp-contract=off: no fused multiply-add, the order of
// every float operation as in ggml). AVX2/F16C for the element-wise parts (max-abs, scaling,
// rounding, f16); the sequential float sums of the K-quant searches stay in ggml's order. Not an
// imatrix quantizer. The TypeScript quantizers are the reference (tests compare byte for byte).
// Reference: ggml/src/ggml-quants.c quantize_row_*_ref, make_qkx2_quants, make_qx_quants.
#include <node_api.h>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <immintrin.h>

#pragma GCC target("avx2,f16c")

namespace {

constexpr float GROUP_MAX_EPS = 1e-15f;

inline int nearest_int(float fval) {
  float val = fval + 12582912.f;
  int i;
  memcpy(&i, &val, sizeof(int));
  return (i & 0x007fffff) - 0x00400000;
}
// C `(int)v` as x86-64 does it (cvttss2si): 0x80000000 for NaN/inf/out of range.
inline int cvt_int(float v) { return _mm_cvttss_si32(_mm_set_ss(v)); }
inline uint16_t to_f16(float v) { return _cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT); }
inline float from_f16(uint16_t h) { return _cvtsh_ss(h); }
inline void put16(uint8_t* p, uint16_t v) { p[0] = v & 0xff; p[1] = v >> 8; }
inline uint16_t get16(const uint8_t* p) { return p[0] | (p[1] << 8); }
inline int imin(int a, int b) { return a < b ? a : b; }
inline int imax(int a, int b) { return a > b ? a : b; }

inline __m256 abs_mask() { return _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)); }

inline float hmax8(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}
// max |x[0..32)| (order-free: max is exact).
inline float amax32(const float* x) {
  __m256 m = _mm256_and_ps(_mm256_loadu_ps(x), abs_mask());
  for (int k = 8; k < 32; k += 8) m = _mm256_max_ps(m, _mm256_and_ps(_mm256_loadu_ps(x + k), abs_mask()));
  return hmax8(m);
}
// ggml's signed max: the first value of largest magnitude.
inline float signed_max32(const float* x) {
  float amax = amax32(x);
  if (amax == 0.f) return 0.f;  // ggml's max stays at its initial +0 (never a -0 from the data)
  for (int j = 0; j < 32; j++)
    if (fabsf(x[j]) == amax) return x[j];
  return 0.f;
}

// ---------------------------------------------------------------- F16
void quantize_f16(const float* x, uint8_t* out, long n) {
  long i = 0;
  for (; i + 8 <= n; i += 8) _mm_storeu_si128((__m128i*)(out + 2 * i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; i++) put16(out + 2 * i, to_f16(x[i]));
}

// ---------------------------------------------------------------- Q8_0 (34 bytes / 32)
void quantize_q8_0(const float* x, uint8_t* out, long n) {
  const long nb = n / 32;
  const __m256 half = _mm256_set1_ps(0.5f);
  const __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32(0x80000000));
  for (long i = 0; i < nb; i++) {
    const float* xb = x + i * 32;
    uint8_t* o = out + i * 34;
    const float amax = amax32(xb);
    const float d = amax / ((1 << 7) - 1);
    const float id = d ? 1.0f / d : 0.0f;
    put16(o, to_f16(d));
    if (std::isinf(id)) {
      for (int j = 0; j < 32; j++) o[2 + j] = (uint8_t)(int8_t)cvt_int(roundf(xb[j] * id));
      continue;
    }
    const __m256 vid = _mm256_set1_ps(id);
    alignas(32) int32_t q[32];
    for (int k = 0; k < 32; k += 8) {
      __m256 v = _mm256_mul_ps(_mm256_loadu_ps(xb + k), vid);
      // roundf (half away from zero), exactly: t = trunc(v); t ± 1 when |v − t| ≥ 0.5.
      __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
      __m256 fr = _mm256_and_ps(_mm256_sub_ps(v, t), abs_mask());
      __m256 one = _mm256_and_ps(_mm256_cmp_ps(fr, half, _CMP_GE_OQ), _mm256_set1_ps(1.0f));
      __m256 r = _mm256_add_ps(t, _mm256_or_ps(one, _mm256_and_ps(v, sign)));
      _mm256_store_si256((__m256i*)(q + k), _mm256_cvttps_epi32(r));
    }
    for (int j = 0; j < 32; j++) o[2 + j] = (uint8_t)q[j];
  }
}

// ---------------------------------------------------------------- Q4_0 (18 bytes) and Q5_0 (22 bytes)
// codes (int8_t)(x·id + bias) as ggml computes them, for 32 values.
inline void codes32(const float* xb, float id, float bias, int32_t* q) {
  const __m256 vid = _mm256_set1_ps(id), vb = _mm256_set1_ps(bias);
  for (int k = 0; k < 32; k += 8) {
    __m256i c = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(xb + k), vid), vb));
    _mm256_storeu_si256((__m256i*)(q + k), _mm256_srai_epi32(_mm256_slli_epi32(c, 24), 24));
  }
}

void quantize_q4_0(const float* x, uint8_t* out, long n) {
  const long nb = n / 32;
  alignas(32) int32_t q[32];
  for (long i = 0; i < nb; i++) {
    const float* xb = x + i * 32;
    uint8_t* o = out + i * 18;
    const float d = signed_max32(xb) / -8;
    const float id = d ? 1.0f / d : 0.0f;
    put16(o, to_f16(d));
    codes32(xb, id, 8.5f, q);
    for (int j = 0; j < 16; j++) {
      const uint8_t xi0 = (uint8_t)imin(15, q[j]);
      const uint8_t xi1 = (uint8_t)imin(15, q[16 + j]);
      o[2 + j] = (uint8_t)(xi0 | (xi1 << 4));
    }
  }
}

void quantize_q5_0(const float* x, uint8_t* out, long n) {
  const long nb = n / 32;
  alignas(32) int32_t q[32];
  for (long i = 0; i < nb; i++) {
    const float* xb = x + i * 32;
    uint8_t* o = out + i * 22;
    const float d = signed_max32(xb) / -16;
    const float id = d ? 1.0f / d : 0.0f;
    put16(o, to_f16(d));
    codes32(xb, id, 16.5f, q);
    uint32_t qh = 0;
    for (int j = 0; j < 16; j++) {
      const uint8_t xi0 = (uint8_t)imin(31, q[j]);
      const uint8_t xi1 = (uint8_t)imin(31, q[16 + j]);
      o[6 + j] = (uint8_t)((xi0 & 0x0f) | ((xi1 & 0x0f) << 4));
      qh |= ((xi0 & 0x10u) >> 4) << j;
      qh |= ((xi1 & 0x10u) >> 4) << (j + 16);
    }
    memcpy(o + 2, &qh, 4);
  }
}

// ---------------------------------------------------------------- K-quants
inline void get_scale_min_k4(int j, const uint8_t* q, uint8_t* d, uint8_t* m) {
  if (j < 4) {
    *d = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    *m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
  }
}


// ---- candidate search vectorised across candidates: each AVX lane is one candidate scale and
// runs ggml's sequential sums in ggml's order (so every lane's result is bit-identical to the
// scalar loop); the winner is then picked in candidate order as ggml does. In make_qkx2_quants
// a winning candidate moves `min`, which changes the later candidates: the batch restarts there.
inline __m256i nearest_int_v(__m256 v) {
  __m256i i = _mm256_castps_si256(_mm256_add_ps(v, _mm256_set1_ps(12582912.f)));
  return _mm256_sub_epi32(_mm256_and_si256(i, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x00400000));
}
inline bool same_bits(float a, float b) { return memcmp(&a, &b, sizeof(float)) == 0; }

// make_qkx2_quants (ggml) with use_mad = false, n ≤ 32: returns scale, writes -min to *the_min.
float make_qkx2_quants_v(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* the_min, float rmin, float rdelta, int nstep) {
  float min = x[0];
  float max = x[0];
  float sum_w = weights[0];
  float sum_x = sum_w * x[0];
  for (int i = 1; i < n; ++i) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
    float w = weights[i];
    sum_w += w;
    sum_x += w * x[i];
  }
  if (min > 0) min = 0;
  if (max == min) {
    for (int i = 0; i < n; ++i) L[i] = 0;
    *the_min = -min;
    return 0.f;
  }
  float iscale = nmax / (max - min);
  float scale = 1 / iscale;
  float best_error = 0;
  for (int i = 0; i < n; ++i) {
    int l = nearest_int(iscale * (x[i] - min));
    L[i] = imax(0, imin(nmax, l));
    float diff = scale * L[i] + min - x[i];
    diff = diff * diff;
    float w = weights[i];
    best_error += w * diff;
  }
  if (nstep < 1) {
    *the_min = -min;
    return scale;
  }
  alignas(32) float lf[32 * 8];
  alignas(32) float isc[8], vD[8], vs[8], vm[8], ve[8];
  const __m256i vmax = _mm256_set1_epi32(nmax), vzero = _mm256_setzero_si256();
  int is = 0;
  while (is <= nstep) {
    const float range = max - min;
    for (int k = 0; k < 8; k++) isc[k] = (rmin + rdelta * (is + k) + nmax) / range;
    const __m256 vis = _mm256_load_ps(isc);
    __m256 sl = _mm256_setzero_ps(), sl2 = _mm256_setzero_ps(), sxl = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i) {
      const __m256 xm = _mm256_set1_ps(x[i] - min);
      __m256i li = _mm256_max_epi32(vzero, _mm256_min_epi32(vmax, nearest_int_v(_mm256_mul_ps(vis, xm))));
      __m256 l = _mm256_cvtepi32_ps(li);
      _mm256_store_ps(lf + 8 * i, l);
      __m256 wl = _mm256_mul_ps(_mm256_set1_ps(weights[i]), l);
      sl = _mm256_add_ps(sl, wl);
      sl2 = _mm256_add_ps(sl2, _mm256_mul_ps(wl, l));
      sxl = _mm256_add_ps(sxl, _mm256_mul_ps(wl, _mm256_set1_ps(x[i])));
    }
    const __m256 vsw = _mm256_set1_ps(sum_w), vsx = _mm256_set1_ps(sum_x);
    __m256 D = _mm256_sub_ps(_mm256_mul_ps(vsw, sl2), _mm256_mul_ps(sl, sl));
    __m256 ts = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(vsw, sxl), _mm256_mul_ps(vsx, sl)), D);
    __m256 tm = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sl2, vsx), _mm256_mul_ps(sl, sxl)), D);
    __m256 pos = _mm256_cmp_ps(tm, _mm256_setzero_ps(), _CMP_GT_OQ);
    ts = _mm256_blendv_ps(ts, _mm256_div_ps(sxl, sl2), pos);
    tm = _mm256_blendv_ps(tm, _mm256_setzero_ps(), pos);
    __m256 err = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i) {
      __m256 diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(ts, _mm256_load_ps(lf + 8 * i)), tm), _mm256_set1_ps(x[i]));
      err = _mm256_add_ps(err, _mm256_mul_ps(_mm256_set1_ps(weights[i]), _mm256_mul_ps(diff, diff)));
    }
    _mm256_store_ps(vD, D);
    _mm256_store_ps(vs, ts);
    _mm256_store_ps(vm, tm);
    _mm256_store_ps(ve, err);
    int next = is + 8;
    for (int k = 0; k < 8 && is + k <= nstep; k++) {
      if (!(vD[k] > 0) || !(ve[k] < best_error)) continue;
      for (int i = 0; i < n; ++i) L[i] = (uint8_t)lf[8 * i + k];
      best_error = ve[k];
      scale = vs[k];
      const bool moved = !same_bits(vm[k], min);
      min = vm[k];
      if (moved) {
        next = is + k + 1;
        break;
      }
    }
    is = next;
  }
  *the_min = -min;
  return scale;
}

// make_qx_quants (rmse_type 1, w = x²) with the 18 candidate scales in AVX lanes; n ≤ 32.
float make_qx_quants1_v(int n, int nmax, const float* x, int8_t* L) {
  float max = 0, amax = 0;
  for (int i = 0; i < n; ++i) {
    float ax = fabsf(x[i]);
    if (ax > amax) {
      amax = ax;
      max = x[i];
    }
  }
  if (amax < GROUP_MAX_EPS) {
    for (int i = 0; i < n; ++i) L[i] = 0;
    return 0.f;
  }
  float iscale = -nmax / max;
  float sumlx = 0, suml2 = 0;
  for (int i = 0; i < n; ++i) {
    int l = nearest_int(iscale * x[i]);
    l = imax(-nmax, imin(nmax - 1, l));
    L[i] = l + nmax;
    float w = x[i] * x[i];
    sumlx += w * x[i] * l;
    suml2 += w * l * l;
  }
  float scale = suml2 ? sumlx / suml2 : 0.0f;
  float best = scale * sumlx;
  static const int CAND[24] = {-9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0};
  alignas(32) float isc[24], vlx[24], vl2[24];
  for (int k = 0; k < 18; k++) isc[k] = -(nmax + 0.1f * CAND[k]) / max;
  for (int k = 18; k < 24; k++) isc[k] = 0;
  const __m256i lo = _mm256_set1_epi32(-nmax), hi = _mm256_set1_epi32(nmax - 1);
  for (int b = 0; b < 24; b += 8) {
    const __m256 vis = _mm256_load_ps(isc + b);
    __m256 slx = _mm256_setzero_ps(), sl2 = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i) {
      const __m256 xi = _mm256_set1_ps(x[i]);
      __m256 l = _mm256_cvtepi32_ps(_mm256_max_epi32(lo, _mm256_min_epi32(hi, nearest_int_v(_mm256_mul_ps(vis, xi)))));
      const float w = x[i] * x[i];
      slx = _mm256_add_ps(slx, _mm256_mul_ps(_mm256_set1_ps(w * x[i]), l));
      sl2 = _mm256_add_ps(sl2, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(w), l), l));
    }
    _mm256_store_ps(vlx + b, slx);
    _mm256_store_ps(vl2 + b, sl2);
  }
  for (int k = 0; k < 18; k++) {
    sumlx = vlx[k];
    suml2 = vl2[k];
    if (suml2 > 0 && sumlx * sumlx > best * suml2) {
      for (int i = 0; i < n; ++i) {
        int l = nearest_int(isc[k] * x[i]);
        L[i] = nmax + imax(-nmax, imin(nmax - 1, l));
      }
      scale = sumlx / suml2;
      best = scale * sumlx;
    }
  }
  return scale;
}

void quantize_q4_k(const float* x, uint8_t* out, long n) {
  const long nb = n / 256;
  uint8_t L[256];
  float weights[32], mins[8], scales[8];
  for (long i = 0; i < nb; i++) {
    const float* xb = x + i * 256;
    uint8_t* o = out + i * 144;
    uint8_t* sc = o + 4;
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; ++j) {
      float sum_x2 = 0;
      for (int l = 0; l < 32; ++l) sum_x2 += xb[32 * j + l] * xb[32 * j + l];
      float av_x = sqrtf(sum_x2 / 32);
      for (int l = 0; l < 32; ++l) weights[l] = av_x + fabsf(xb[32 * j + l]);
      scales[j] = make_qkx2_quants_v(32, 15, xb + 32 * j, weights, L + 32 * j, &mins[j], -1.f, 0.1f, 20);
      float scale = scales[j];
      if (scale > max_scale) max_scale = scale;
      float min = mins[j];
      if (min > max_min) max_min = min;
    }
    float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    for (int j = 0; j < 8; ++j) {
      uint8_t ls = nearest_int(inv_scale * scales[j]);
      uint8_t lm = nearest_int(inv_min * mins[j]);
      ls = ls < 63 ? ls : 63;
      lm = lm < 63 ? lm : 63;
      if (j < 4) {
        sc[j] = ls;
        sc[j + 4] = lm;
      } else {
        sc[j + 4] = (ls & 0xF) | ((lm & 0xF) << 4);
        sc[j - 4] |= ((ls >> 4) << 6);
        sc[j - 0] |= ((lm >> 4) << 6);
      }
    }
    const uint16_t dh = to_f16(max_scale / 63.f), mh = to_f16(max_min / 63.f);
    put16(o, dh);
    put16(o + 2, mh);
    const float dd = from_f16(dh), dm0 = from_f16(mh);
    uint8_t s, m;
    for (int j = 0; j < 8; ++j) {
      get_scale_min_k4(j, sc, &s, &m);
      const float d = dd * s;
      if (!d) continue;
      const float dm = dm0 * m;
      for (int ii = 0; ii < 32; ++ii) {
        int l = nearest_int((xb[32 * j + ii] + dm) / d);
        L[32 * j + ii] = imax(0, imin(15, l));
      }
    }
    uint8_t* q = o + 16;
    for (int j = 0; j < 256; j += 64) {
      for (int l = 0; l < 32; ++l) q[l] = L[j + l] | (L[j + l + 32] << 4);
      q += 32;
    }
  }
}

void quantize_q6_k(const float* x, uint8_t* out, long n) {
  const long nb = n / 256;
  int8_t L[256];
  float scales[16];
  for (long i = 0; i < nb; i++) {
    const float* xb = x + i * 256;
    uint8_t* o = out + i * 210;
    float max_scale = 0, max_abs_scale = 0;
    for (int ib = 0; ib < 16; ++ib) {
      const float scale = make_qx_quants1_v(16, 32, xb + 16 * ib, L + 16 * ib);
      scales[ib] = scale;
      const float abs_scale = fabsf(scale);
      if (abs_scale > max_abs_scale) {
        max_abs_scale = abs_scale;
        max_scale = scale;
      }
    }
    if (max_abs_scale < GROUP_MAX_EPS) {
      memset(o, 0, 210);
      continue;
    }
    float iscale = -128.f / max_scale;
    const uint16_t dh = to_f16(1 / iscale);
    put16(o + 208, dh);
    int8_t* sc = (int8_t*)(o + 192);
    for (int ib = 0; ib < 16; ++ib) sc[ib] = (int8_t)imin(127, nearest_int(iscale * scales[ib]));
    const float dd = from_f16(dh);
    for (int j = 0; j < 16; ++j) {
      float d = dd * sc[j];
      if (!d) continue;
      for (int ii = 0; ii < 16; ++ii) {
        int l = nearest_int(xb[16 * j + ii] / d);
        l = imax(-32, imin(31, l));
        L[16 * j + ii] = l + 32;
      }
    }
    uint8_t* ql = o;
    uint8_t* qh = o + 128;
    for (int j = 0; j < 256; j += 128) {
      for (int l = 0; l < 32; ++l) {
        const uint8_t q1 = L[j + l + 0] & 0xF;
        const uint8_t q2 = L[j + l + 32] & 0xF;
        const uint8_t q3 = L[j + l + 64] & 0xF;
        const uint8_t q4 = L[j + l + 96] & 0xF;
        ql[l + 0] = q1 | (q3 << 4);
        ql[l + 32] = q2 | (q4 << 4);
        qh[l] = (L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6);
      }
      ql += 64;
      qh += 32;
    }
  }
}

// ---------------------------------------------------------------- checks
// Index of the first NaN/±inf in x, or -1.
long first_non_finite(const float* x, long n) {
  const __m256i expm = _mm256_set1_epi32(0x7f800000);
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i v = _mm256_and_si256(_mm256_loadu_si256((const __m256i*)(x + i)), expm);
    if (!_mm256_testz_si256(_mm256_cmpeq_epi32(v, expm), _mm256_cmpeq_epi32(v, expm))) break;
  }
  for (; i < n; i++)
    if (!std::isfinite(x[i])) return i;
  return -1;
}

// Byte offset of the first f16 field (at `offset` in each `stride`-byte record) that is inf/NaN.
long first_f16_overflow(const uint8_t* b, long nbytes, long stride, long offset) {
  for (long o = offset; o + 2 <= nbytes; o += stride)
    if ((get16(b + o) & 0x7c00) == 0x7c00) return o;
  return -1;
}

// ---------------------------------------------------------------- Node-API glue
struct TypeEntry {
  const char* name;
  long block;
  long type_size;
  void (*fn)(const float*, uint8_t*, long);
};
const TypeEntry TYPES[] = {
    {"F16", 1, 2, quantize_f16}, {"Q8_0", 32, 34, quantize_q8_0}, {"Q4_0", 32, 18, quantize_q4_0},
    {"Q5_0", 32, 22, quantize_q5_0}, {"Q4_K", 256, 144, quantize_q4_k}, {"Q6_K", 256, 210, quantize_q6_k},
};

napi_value throw_err(napi_env env, const char* msg) {
  napi_throw_error(env, nullptr, msg);
  return nullptr;
}
bool typed(napi_env env, napi_value v, napi_typedarray_type want, void** data, size_t* len) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) return false;
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  napi_get_typedarray_info(env, v, &t, len, data, &ab, &off);
  return t == want;
}

// quantize(type: string, x: Float32Array, out: Uint8Array): void
napi_value Quantize(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value a[3];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  if (argc < 3) return throw_err(env, "quantize(type, x, out): 3 arguments");
  char name[16];
  size_t nl = 0;
  if (napi_get_value_string_utf8(env, a[0], name, sizeof name, &nl) != napi_ok) return throw_err(env, "quantize: type must be a string");
  const TypeEntry* t = nullptr;
  for (const auto& e : TYPES)
    if (strcmp(e.name, name) == 0) t = &e;
  if (!t) return throw_err(env, "quantize: unsupported type");
  void *xp, *op;
  size_t n, nout;
  if (!typed(env, a[1], napi_float32_array, &xp, &n)) return throw_err(env, "quantize: x must be a Float32Array");
  if (!typed(env, a[2], napi_uint8_array, &op, &nout)) return throw_err(env, "quantize: out must be a Uint8Array");
  if (n % t->block != 0) return throw_err(env, "quantize: length is not a multiple of the block size");
  if ((long)nout < (long)(n / t->block) * t->type_size) return throw_err(env, "quantize: out is too small");
  t->fn((const float*)xp, (uint8_t*)op, (long)n);
  return nullptr;
}

napi_value FirstNonFinite(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  void* xp;
  size_t n;
  if (argc < 1 || !typed(env, a[0], napi_float32_array, &xp, &n)) return throw_err(env, "firstNonFinite(x: Float32Array)");
  napi_value r;
  napi_create_double(env, (double)first_non_finite((const float*)xp, (long)n), &r);
  return r;
}

napi_value FirstF16Overflow(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value a[3];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  void* bp;
  size_t n;
  int64_t stride = 0, offset = 0;
  if (argc < 3 || !typed(env, a[0], napi_uint8_array, &bp, &n)) return throw_err(env, "firstF16Overflow(bytes: Uint8Array, stride, offset)");
  napi_get_value_int64(env, a[1], &stride);
  napi_get_value_int64(env, a[2], &offset);
  if (stride < 2 || offset < 0) return throw_err(env, "firstF16Overflow: stride ≥ 2, offset ≥ 0");
  napi_value r;
  napi_create_double(env, (double)first_f16_overflow((const uint8_t*)bp, (long)n, (long)stride, (long)offset), &r);
  return r;
}

napi_value Supported(napi_env env, napi_callback_info) {
  __builtin_cpu_init();
  napi_value r;
  napi_get_boolean(env, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c"), &r);
  return r;
}

napi_value Init(napi_env env, napi_value exports) {
  struct {
    const char* name;
    napi_callback cb;
  } fns[] = {{"quantize", Quantize}, {"firstNonFinite", FirstNonFinite}, {"firstF16Overflow", FirstF16Overflow}, {"supported", Supported}};
  for (auto& f : fns) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn);
    napi_set_named_property(env, exports, f.name, fn);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
