// oellm native training kernels: a Node-API (plain C API, node_api.h) addon with the same kernel
// set as src/train/kernels.ts — cache-blocked SGEMM with a 6x16 AVX2/FMA micro-kernel (BLIS-style
// packing), fused RMSNorm / RoPE / causal GQA attention / SwiGLU / softmax-cross-entropy / AdamW —
// on a small persistent thread pool. Results do not depend on the thread count (no split of K,
// fixed-chunk reductions). Not a BLAS: only what the trainer needs. Reference: BLIS (Van Zee &
// van de Geijn 2015) loop structure; llm.c kernels; Cephes expf polynomial.
#include <node_api.h>
#include <atomic>
#include <condition_variable>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>
#include <immintrin.h>

// ---------------------------------------------------------------- thread pool (generic code)
namespace {
struct Pool {
  int n = 1;
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable cv, done;
  const std::function<void(int)>* job = nullptr;
  uint64_t gen = 0;
  int pending = 0;
  bool stop = false;
  // Serialises run/start/shutdown across JS threads (worker_threads share this addon instance).
  std::recursive_mutex run_mu;

  void start(int threads) {
    std::lock_guard<std::recursive_mutex> g(run_mu);
    shutdown();
    n = threads < 1 ? 1 : threads;
    stop = false;
    uint64_t g0 = gen;
    for (int i = 1; i < n; i++) workers.emplace_back([this, i, g0] { loop(i, g0); });
  }
  void shutdown() {
    std::lock_guard<std::recursive_mutex> g0(run_mu);
    {
      std::lock_guard<std::mutex> g(mu);
      stop = true;
    }
    cv.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
    n = 1;  // no workers left: later calls run inline instead of waiting forever
  }
  void loop(int id, uint64_t seen) {
    for (;;) {
      const std::function<void(int)>* f;
      {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return stop || gen != seen; });
        if (stop) return;
        seen = gen;
        f = job;
      }
      (*f)(id);
      {
        std::lock_guard<std::mutex> g(mu);
        if (--pending == 0) done.notify_one();
      }
    }
  }
  // Runs f(tid) for tid in [0, n) and waits.
  void run(const std::function<void(int)>& f) {
    std::lock_guard<std::recursive_mutex> g0(run_mu);
    if (n == 1) {
      f(0);
      return;
    }
    {
      std::lock_guard<std::mutex> g(mu);
      job = &f;
      pending = n - 1;
      gen++;
    }
    cv.notify_all();
    f(0);
    std::unique_lock<std::mutex> l(mu);
    done.wait(l, [&] { return pending == 0; });
  }
};
Pool pool;

// Splits [0, total) into n contiguous parts aligned to `align`; part i of n.
inline void split(long total, int parts, int i, long align, long* b, long* e) {
  long units = (total + align - 1) / align;
  long per = units / parts, rem = units % parts;
  long ub = i * per + (i < rem ? i : rem);
  long ue = ub + per + (i < rem ? 1 : 0);
  *b = ub * align < total ? ub * align : total;
  *e = ue * align < total ? ue * align : total;
}
void parallel_for(long total, long align, const std::function<void(long, long)>& f) {
  int n = pool.n;
  if (n == 1 || total <= align) {
    f(0, total);
    return;
  }
  pool.run([&](int tid) {
    long b, e;
    split(total, pool.n, tid, align, &b, &e);  // pool.n is stable inside run (locked)
    if (b < e) f(b, e);
  });
}
}  // namespace

// ---------------------------------------------------------------- SIMD kernels (AVX2 + FMA)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace {
#ifndef OELLM_KC
#define OELLM_KC 384
#endif
#ifndef OELLM_MC
#define OELLM_MC 96
#endif
constexpr int MR = 6, NR = 16, KC = OELLM_KC, MC = OELLM_MC, NC = 3072;

struct Mat {  // element (i, j) = p[i * si + j * sj]
  const float* p;
  long si, sj;
  inline float at(long i, long j) const { return p[i * si + j * sj]; }
};

// Packs A[mc x kc] into MR-row slivers: Ap[(ir/MR)][k][i], zero padded.
void packA(float* Ap, Mat A, long m0, long mc, long k0, long kc) {
  for (long ir = 0; ir < mc; ir += MR) {
    long mr = mc - ir < MR ? mc - ir : MR;
    float* dst = Ap + ir * kc;
    if (A.sj == 1) {
      for (long i = 0; i < MR; i++) {
        if (i < mr) {
          const float* src = A.p + (m0 + ir + i) * A.si + k0;
          for (long k = 0; k < kc; k++) dst[k * MR + i] = src[k];
        } else {
          for (long k = 0; k < kc; k++) dst[k * MR + i] = 0.f;
        }
      }
    } else {
      for (long k = 0; k < kc; k++)
        for (long i = 0; i < MR; i++) dst[k * MR + i] = i < mr ? A.at(m0 + ir + i, k0 + k) : 0.f;
    }
  }
}

// Packs B[kc x nc] into NR-column slivers: Bp[(jr/NR)][k][j], zero padded.
void packB(float* Bp, Mat B, long k0, long kc, long n0, long nc) {
  for (long jr = 0; jr < nc; jr += NR) {
    long nr = nc - jr < NR ? nc - jr : NR;
    float* dst = Bp + jr * kc;
    if (B.sj == 1 && nr == NR) {
      for (long k = 0; k < kc; k++) {
        const float* src = B.p + (k0 + k) * B.si + n0 + jr;
        _mm256_storeu_ps(dst + k * NR, _mm256_loadu_ps(src));
        _mm256_storeu_ps(dst + k * NR + 8, _mm256_loadu_ps(src + 8));
      }
    } else if (B.si == 1) {
      for (long j = 0; j < NR; j++) {
        if (j < nr) {
          const float* src = B.p + (n0 + jr + j) * B.sj + k0;
          for (long k = 0; k < kc; k++) dst[k * NR + j] = src[k];
        } else {
          for (long k = 0; k < kc; k++) dst[k * NR + j] = 0.f;
        }
      }
    } else {
      for (long k = 0; k < kc; k++)
        for (long j = 0; j < NR; j++) dst[k * NR + j] = j < nr ? B.at(k0 + k, n0 + jr + j) : 0.f;
    }
  }
}

// C[6x16] (+)= Ap[kc x 6]^T · Bp[kc x 16]
inline void micro(long kc, const float* __restrict Ap, const float* __restrict Bp, float* C, long ldc, bool acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
#ifdef OELLM_UNROLL
#pragma GCC unroll OELLM_UNROLL
#endif
  for (long k = 0; k < kc; k++) {
#ifdef OELLM_PREFETCH
    _mm_prefetch((const char*)(Ap + OELLM_PREFETCH * MR), _MM_HINT_T0);
#endif
    __m256 b0 = _mm256_loadu_ps(Bp), b1 = _mm256_loadu_ps(Bp + 8);
    __m256 a;
    a = _mm256_broadcast_ss(Ap + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(Ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(Ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(Ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(Ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(Ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
    Ap += MR;
    Bp += NR;
  }
#define ST(r, x0, x1)                                                                   \
  if (acc) {                                                                            \
    _mm256_storeu_ps(C + r * ldc, _mm256_add_ps(_mm256_loadu_ps(C + r * ldc), x0));      \
    _mm256_storeu_ps(C + r * ldc + 8, _mm256_add_ps(_mm256_loadu_ps(C + r * ldc + 8), x1)); \
  } else {                                                                              \
    _mm256_storeu_ps(C + r * ldc, x0);                                                  \
    _mm256_storeu_ps(C + r * ldc + 8, x1);                                              \
  }
  ST(0, c00, c01) ST(1, c10, c11) ST(2, c20, c21) ST(3, c30, c31) ST(4, c40, c41) ST(5, c50, c51)
#undef ST
}

// Single-threaded blocked GEMM on a sub-problem: C[M,N] (+)= A[M,K]·B[K,N].
void gemm_block(float* C, long ldc, Mat A, Mat B, long M, long N, long K, bool accumulate) {
  static thread_local std::vector<float> abuf, bbuf;
  if (abuf.size() < (size_t)(MC + MR) * KC) abuf.resize((size_t)(MC + MR) * KC);
  if (bbuf.size() < (size_t)(NC + NR) * KC) bbuf.resize((size_t)(NC + NR) * KC);
  float* Ap = abuf.data();
  float* Bp = bbuf.data();
  alignas(32) float tmp[MR * NR];
  if (K == 0) {
    if (!accumulate)
      for (long i = 0; i < M; i++) memset(C + i * ldc, 0, N * sizeof(float));
    return;
  }
  for (long jc = 0; jc < N; jc += NC) {
    long nc = N - jc < NC ? N - jc : NC;
    for (long pc = 0; pc < K; pc += KC) {
      long kc = K - pc < KC ? K - pc : KC;
      bool acc = accumulate || pc > 0;
      packB(Bp, B, pc, kc, jc, nc);
      for (long ic = 0; ic < M; ic += MC) {
        long mc = M - ic < MC ? M - ic : MC;
        packA(Ap, A, ic, mc, pc, kc);
        for (long jr = 0; jr < nc; jr += NR) {
          long nr = nc - jr < NR ? nc - jr : NR;
          for (long ir = 0; ir < mc; ir += MR) {
            long mr = mc - ir < MR ? mc - ir : MR;
            float* Cij = C + (ic + ir) * ldc + jc + jr;
            if (mr == MR && nr == NR) {
              micro(kc, Ap + ir * kc, Bp + jr * kc, Cij, ldc, acc);
            } else {
              micro(kc, Ap + ir * kc, Bp + jr * kc, tmp, NR, false);
              for (long i = 0; i < mr; i++)
                for (long j = 0; j < nr; j++) Cij[i * ldc + j] = acc ? Cij[i * ldc + j] + tmp[i * NR + j] : tmp[i * NR + j];
            }
          }
        }
      }
    }
  }
}

void matmul(float* out, const float* a, const float* b, long M, long N, long K, bool transA, bool transB, bool accumulate) {
  Mat A = transA ? Mat{a, 1, M} : Mat{a, K, 1};
  Mat B = transB ? Mat{b, 1, K} : Mat{b, N, 1};
  int n = pool.n;
  if (n == 1 || M * N * K < 64L * 64 * 64) {
    gemm_block(out, N, A, B, M, N, K, accumulate);
    return;
  }
  bool byRows = M >= N;
  pool.run([&](int tid) {
    long b0, e0;
    if (byRows) {
      split(M, pool.n, tid, MR, &b0, &e0);
      if (b0 < e0) gemm_block(out + b0 * N, N, Mat{A.p + b0 * A.si, A.si, A.sj}, B, e0 - b0, N, K, accumulate);
    } else {
      split(N, pool.n, tid, NR, &b0, &e0);
      if (b0 < e0) gemm_block(out + b0, N, A, Mat{B.p + b0 * B.sj, B.si, B.sj}, M, e0 - b0, K, accumulate);
    }
  });
}

// ---- vector helpers
inline float hsum(__m256 v) {
  __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
  lo = _mm_add_ps(lo, hi);
  lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
  lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
  return _mm_cvtss_f32(lo);
}
inline float dot(const float* a, const float* b, long n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}
inline void axpy(float* y, float a, const float* x, long n) {  // y += a·x
  __m256 av = _mm256_set1_ps(a);
  long i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; i++) y[i] += a * x[i];
}
// expf for 8 lanes (Cephes polynomial, relative error ~1e-7 on [-87, 88]).
inline __m256 exp8(__m256 x) {
  const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-87.3365447504f);
  x = _mm256_max_ps(_mm256_min_ps(x, hi), lo);
  __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
  fx = _mm256_floor_ps(fx);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 y = _mm256_set1_ps(1.9875691500E-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
  y = _mm256_fmadd_ps(y, z, x);
  y = _mm256_add_ps(y, _mm256_set1_ps(1.f));
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

void rmsnorm_fwd(float* out, float* rstd, const float* inp, const float* w, long N, long C, float eps) {
  parallel_for(N, 8, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      const float* x = inp + i * C;
      float r = 1.f / sqrtf(dot(x, x, C) / C + eps);
      rstd[i] = r;
      float* o = out + i * C;
      for (long c = 0; c < C; c++) o[c] = x[c] * r * w[c];
    }
  });
}

void rmsnorm_bwd(float* dinp, float* dw, const float* dout, const float* inp, const float* w, const float* rstd, long N, long C) {
  // dw is reduced over rows: per-thread partials summed in thread order (fixed row split → deterministic for a given thread count;
  // to be thread-count independent, rows are cut in fixed chunks of 64 and chunk partials summed in order).
  const long CH = 64;
  long nch = (N + CH - 1) / CH;
  std::vector<float> part((size_t)nch * C, 0.f);
  parallel_for(nch, 1, [&](long cb, long ce) {
    std::vector<float> tmp(C);
    for (long ch = cb; ch < ce; ch++) {
      float* pw = part.data() + ch * C;
      for (long i = ch * CH; i < N && i < (ch + 1) * CH; i++) {
        const float* x = inp + i * C;
        const float* d = dout + i * C;
        float r = rstd[i];
        float s = 0.f;
        for (long c = 0; c < C; c++) {
          float xh = x[c] * r;
          tmp[c] = d[c] * w[c];
          s += tmp[c] * xh;
          pw[c] += d[c] * xh;
        }
        s /= C;
        float* di = dinp + i * C;
        for (long c = 0; c < C; c++) di[c] += r * (tmp[c] - x[c] * r * s);
      }
    }
  });
  for (long ch = 0; ch < nch; ch++) {
    const float* pw = part.data() + ch * C;
    for (long c = 0; c < C; c++) dw[c] += pw[c];
  }
}

void rope(float* x, const float* cs, const float* sn, long N, long T, long stride, long NHR, long hd, bool inverse) {
  long half = hd / 2;
  float sg = inverse ? -1.f : 1.f;
  parallel_for(N, 8, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      long t = i % T;
      const float* c = cs + t * half;
      const float* s = sn + t * half;
      for (long h = 0; h < NHR; h++) {
        float* v = x + i * stride + h * hd;
        for (long j = 0; j < half; j++) {
          float x1 = v[j], x2 = v[j + half], sj = sg * s[j];
          v[j] = x1 * c[j] - x2 * sj;
          v[j + half] = x2 * c[j] + x1 * sj;
        }
      }
    }
  });
}

// Attention per (batch, head) as small GEMMs on strided views of qkv (S = QKᵀ, O = PV; backward
// dP = dO·Vᵀ, dV += Pᵀ·dO, dQ = dS·K, dK += dSᵀ·Q). The upper (masked) triangle is computed and
// discarded: 2x waste on a few percent of the FLOPs buys GEMM speed for all of them.
void attn_fwd(float* out, float* att, const float* qkv, long B, long T, long NH, long NKV, long hd) {
  long QKV = (NH + 2 * NKV) * hd, rep = NH / NKV;
  float scale = 1.f / sqrtf((float)hd);
  parallel_for(B * NH, 1, [&](long b0, long e0) {
    for (long bh = b0; bh < e0; bh++) {
      long b = bh / NH, h = bh % NH, kh = h / rep;
      const float* q = qkv + b * T * QKV + h * hd;
      const float* k = qkv + b * T * QKV + (NH + kh) * hd;
      const float* v = qkv + b * T * QKV + (NH + NKV + kh) * hd;
      float* P = att + bh * T * T;
      gemm_block(P, T, Mat{q, QKV, 1}, Mat{k, 1, QKV}, T, T, hd, false);
      const __m256 sc = _mm256_set1_ps(scale);
      for (long t = 0; t < T; t++) {
        float* a = P + t * T;
        long n8 = (t + 1) & ~7L;
        __m256 mv = _mm256_set1_ps(-INFINITY);
        for (long u = 0; u < n8; u += 8) {
          __m256 x = _mm256_mul_ps(_mm256_loadu_ps(a + u), sc);
          _mm256_storeu_ps(a + u, x);
          mv = _mm256_max_ps(mv, x);
        }
        alignas(32) float tmp8[8];
        _mm256_store_ps(tmp8, mv);
        float mx = -INFINITY;
        for (int i = 0; i < 8; i++) mx = tmp8[i] > mx ? tmp8[i] : mx;
        for (long u = n8; u <= t; u++) {
          a[u] *= scale;
          mx = a[u] > mx ? a[u] : mx;
        }
        __m256 mxv = _mm256_set1_ps(mx), sv = _mm256_setzero_ps();
        for (long u = 0; u < n8; u += 8) {
          __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(a + u), mxv));
          _mm256_storeu_ps(a + u, e);
          sv = _mm256_add_ps(sv, e);
        }
        float sum = hsum(sv);
        for (long u = n8; u <= t; u++) {
          a[u] = expf(a[u] - mx);
          sum += a[u];
        }
        float inv = 1.f / sum;
        for (long u = 0; u <= t; u++) a[u] *= inv;
        for (long u = t + 1; u < T; u++) a[u] = 0.f;
      }
      gemm_block(out + b * T * NH * hd + h * hd, NH * hd, Mat{P, T, 1}, Mat{v, QKV, 1}, T, hd, T, false);
    }
  });
}

void attn_bwd(float* dqkv, const float* dout, const float* qkv, const float* att, long B, long T, long NH, long NKV, long hd) {
  long QKV = (NH + 2 * NKV) * hd, rep = NH / NKV;
  float scale = 1.f / sqrtf((float)hd);
  // One task per (b, kv head): it owns dk, dv of that kv head and dq of its query heads.
  parallel_for(B * NKV, 1, [&](long b0, long e0) {
    std::vector<float> dPv((size_t)T * T);
    float* dP = dPv.data();
    for (long bk = b0; bk < e0; bk++) {
      long b = bk / NKV, kh = bk % NKV;
      const float* base = qkv + b * T * QKV;
      float* dbase = dqkv + b * T * QKV;
      const float* k = base + (NH + kh) * hd;
      const float* v = base + (NH + NKV + kh) * hd;
      float* dk = dbase + (NH + kh) * hd;
      float* dv = dbase + (NH + NKV + kh) * hd;
      for (long h = kh * rep; h < (kh + 1) * rep; h++) {
        const float* P = att + (b * NH + h) * T * T;
        const float* dO = dout + b * T * NH * hd + h * hd;
        const float* q = base + h * hd;
        bool first = h == kh * rep;
        gemm_block(dP, T, Mat{dO, NH * hd, 1}, Mat{v, 1, QKV}, T, T, hd, false);
        for (long t = 0; t < T; t++) {
          const float* a = P + t * T;
          float* d = dP + t * T;
          float s = 0.f;
          for (long u = 0; u <= t; u++) s += a[u] * d[u];
          for (long u = 0; u <= t; u++) d[u] = a[u] * (d[u] - s) * scale;
          for (long u = t + 1; u < T; u++) d[u] = 0.f;
        }
        gemm_block(dv, QKV, Mat{P, 1, T}, Mat{dO, NH * hd, 1}, T, hd, T, !first);
        gemm_block(dbase + h * hd, QKV, Mat{dP, T, 1}, Mat{k, QKV, 1}, T, hd, T, false);
        gemm_block(dk, QKV, Mat{dP, 1, T}, Mat{q, QKV, 1}, T, hd, T, !first);
      }
    }
  });
}

void swiglu_fwd(float* out, const float* gu, long N, long F) {
  parallel_for(N, 4, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      const float* g = gu + i * 2 * F;
      const float* u = g + F;
      float* o = out + i * F;
      long j = 0;
      for (; j + 8 <= F; j += 8) {
        __m256 gv = _mm256_loadu_ps(g + j);
        __m256 sg = _mm256_div_ps(_mm256_set1_ps(1.f), _mm256_add_ps(_mm256_set1_ps(1.f), exp8(_mm256_sub_ps(_mm256_setzero_ps(), gv))));
        _mm256_storeu_ps(o + j, _mm256_mul_ps(_mm256_mul_ps(gv, sg), _mm256_loadu_ps(u + j)));
      }
      for (; j < F; j++) o[j] = g[j] / (1.f + expf(-g[j])) * u[j];
    }
  });
}

void swiglu_bwd(float* dgu, const float* dout, const float* gu, long N, long F) {
  parallel_for(N, 4, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      const float* g = gu + i * 2 * F;
      const float* u = g + F;
      const float* d = dout + i * F;
      float* dg = dgu + i * 2 * F;
      float* du = dg + F;
      long j = 0;
      const __m256 one = _mm256_set1_ps(1.f);
      for (; j + 8 <= F; j += 8) {
        __m256 gv = _mm256_loadu_ps(g + j), uv = _mm256_loadu_ps(u + j), dv = _mm256_loadu_ps(d + j);
        __m256 sg = _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), gv))));
        __m256 dsil = _mm256_mul_ps(sg, _mm256_fmadd_ps(gv, _mm256_sub_ps(one, sg), one));
        _mm256_storeu_ps(dg + j, _mm256_mul_ps(_mm256_mul_ps(dv, uv), dsil));
        _mm256_storeu_ps(du + j, _mm256_mul_ps(dv, _mm256_mul_ps(gv, sg)));
      }
      for (; j < F; j++) {
        float sg = 1.f / (1.f + expf(-g[j]));
        dg[j] = d[j] * u[j] * sg * (1.f + g[j] * (1.f - sg));
        du[j] = d[j] * g[j] * sg;
      }
    }
  });
}

void cross_entropy(float* losses, float* logits, const int32_t* targets, long N, long V, float dscale) {
  parallel_for(N, 1, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      float* x = logits + i * V;
      __m256 mv = _mm256_set1_ps(-INFINITY);
      long j = 0;
      for (; j + 8 <= V; j += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(x + j));
      float mx = -INFINITY;
      {
        alignas(32) float t[8];
        _mm256_store_ps(t, mv);
        for (int k = 0; k < 8; k++) mx = t[k] > mx ? t[k] : mx;
      }
      for (; j < V; j++) mx = x[j] > mx ? x[j] : mx;
      // sum of exp in double per 8-lane chunk for accuracy at large V
      __m256 mxv = _mm256_set1_ps(mx);
      double sum = 0;
      j = 0;
      float xt = x[targets[i]];
      if (dscale != 0.f) {
        for (; j + 8 <= V; j += 8) {
          __m256 ev = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j), mxv));
          _mm256_storeu_ps(x + j, ev);
          sum += hsum(ev);
        }
        for (; j < V; j++) {
          x[j] = expf(x[j] - mx);
          sum += x[j];
        }
        float lse = mx + (float)log(sum);
        losses[i] = lse - xt;
        __m256 sc = _mm256_set1_ps((float)(dscale / sum));
        j = 0;
        for (; j + 8 <= V; j += 8) _mm256_storeu_ps(x + j, _mm256_mul_ps(_mm256_loadu_ps(x + j), sc));
        for (; j < V; j++) x[j] *= (float)(dscale / sum);
        x[targets[i]] -= dscale;
      } else {
        for (; j + 8 <= V; j += 8) sum += hsum(exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j), mxv)));
        for (; j < V; j++) sum += expf(x[j] - mx);
        losses[i] = mx + (float)log(sum) - xt;
      }
    }
  });
}

double sum_squares(const float* g, long n) {
  const long CH = 1 << 16;
  long nch = (n + CH - 1) / CH;
  std::vector<double> part(nch, 0.0);
  parallel_for(nch, 1, [&](long b, long e) {
    for (long ch = b; ch < e; ch++) {
      long s = ch * CH, t = s + CH < n ? s + CH : n;
      __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
      long i = s;
      for (; i + 8 <= t; i += 8) {
        __m256 v = _mm256_loadu_ps(g + i);
        __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v)), hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
        a0 = _mm256_fmadd_pd(lo, lo, a0);
        a1 = _mm256_fmadd_pd(hi, hi, a1);
      }
      alignas(32) double tt[4];
      _mm256_store_pd(tt, _mm256_add_pd(a0, a1));
      double acc = tt[0] + tt[1] + tt[2] + tt[3];
      for (; i < t; i++) acc += (double)g[i] * g[i];
      part[ch] = acc;
    }
  });
  double s = 0;
  for (double p : part) s += p;
  return s;
}

void scale(float* x, long n, float s) {
  parallel_for(n, 1024, [&](long b, long e) {
    for (long i = b; i < e; i++) x[i] *= s;
  });
}

void adamw(float* p, const float* g, float* m, float* v, long n, float lr, float b1, float b2, float eps, float wd, float bc1, float bc2) {
  const float stepSize = lr / bc1, bc2s = sqrtf(bc2), decay = 1.f - lr * wd, omb1 = 1.f - b1, omb2 = 1.f - b2;
  parallel_for(n, 1024, [&](long b, long e) {
    const __m256 vdecay = _mm256_set1_ps(decay), vomb1 = _mm256_set1_ps(omb1), vomb2 = _mm256_set1_ps(omb2), vb2 = _mm256_set1_ps(b2);
    const __m256 vbc2s = _mm256_set1_ps(bc2s), veps = _mm256_set1_ps(eps), vstep = _mm256_set1_ps(stepSize);
    long i = b;
    for (; i + 8 <= e; i += 8) {
      __m256 gi = _mm256_loadu_ps(g + i), mi = _mm256_loadu_ps(m + i), vi = _mm256_loadu_ps(v + i);
      __m256 pi = _mm256_mul_ps(_mm256_loadu_ps(p + i), vdecay);
      mi = _mm256_fmadd_ps(_mm256_sub_ps(gi, mi), vomb1, mi);
      vi = _mm256_fmadd_ps(_mm256_mul_ps(gi, gi), vomb2, _mm256_mul_ps(vi, vb2));
      _mm256_storeu_ps(m + i, mi);
      _mm256_storeu_ps(v + i, vi);
      __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), vbc2s), veps);
      _mm256_storeu_ps(p + i, _mm256_fnmadd_ps(vstep, _mm256_div_ps(mi, denom), pi));
    }
    for (; i < e; i++) {
      float gi = g[i];
      float pi = p[i] * decay;
      float mi = m[i] + (gi - m[i]) * omb1;
      float vi = v[i] * b2 + (gi * gi) * omb2;
      m[i] = mi;
      v[i] = vi;
      float denom = sqrtf(vi) / bc2s + eps;
      p[i] = pi - stepSize * (mi / denom);
    }
  });
}
}  // namespace
#pragma GCC pop_options

// ---------------------------------------------------------------- Node-API glue
namespace {
struct Args {
  napi_env env;
  napi_value argv[16];
  size_t argc = 16;
  bool ok = true;
  Args(napi_env e, napi_callback_info info) : env(e) { napi_get_cb_info(e, info, &argc, argv, nullptr, nullptr); }
  template <class T>
  T* arr(size_t i, long* len = nullptr) {
    napi_typedarray_type type;
    size_t length;
    void* data;
    napi_value ab;
    size_t off;
    if (i >= argc || napi_get_typedarray_info(env, argv[i], &type, &length, &data, &ab, &off) != napi_ok) {
      fail("expected a typed array");
      return nullptr;
    }
    if (len) *len = (long)length;
    return (T*)data;
  }
  double num(size_t i) {
    double d = 0;
    if (i >= argc || napi_get_value_double(env, argv[i], &d) != napi_ok) fail("expected a number");
    return d;
  }
  bool flag(size_t i) {
    bool b = false;
    if (i >= argc || napi_get_value_bool(env, argv[i], &b) != napi_ok) fail("expected a boolean");
    return b;
  }
  void fail(const char* msg) {
    if (ok) napi_throw_type_error(env, nullptr, msg);
    ok = false;
  }
};

napi_value Matmul(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *o = a.arr<float>(0), *x = a.arr<float>(1), *w = a.arr<float>(2);
  long M = (long)a.num(3), N = (long)a.num(4), K = (long)a.num(5);
  bool ta = a.flag(6), tb = a.flag(7), acc = a.flag(8);
  if (a.ok) matmul(o, x, w, M, N, K, ta, tb, acc);
  return nullptr;
}
napi_value RmsnormFwd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *o = a.arr<float>(0), *r = a.arr<float>(1), *x = a.arr<float>(2), *w = a.arr<float>(3);
  long N = (long)a.num(4), C = (long)a.num(5);
  float eps = (float)a.num(6);
  if (a.ok) rmsnorm_fwd(o, r, x, w, N, C, eps);
  return nullptr;
}
napi_value RmsnormBwd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *di = a.arr<float>(0), *dw = a.arr<float>(1), *d = a.arr<float>(2), *x = a.arr<float>(3), *w = a.arr<float>(4), *r = a.arr<float>(5);
  long N = (long)a.num(6), C = (long)a.num(7);
  if (a.ok) rmsnorm_bwd(di, dw, d, x, w, r, N, C);
  return nullptr;
}
napi_value Rope(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *x = a.arr<float>(0), *c = a.arr<float>(1), *s = a.arr<float>(2);
  long N = (long)a.num(3), T = (long)a.num(4), st = (long)a.num(5), nh = (long)a.num(6), hd = (long)a.num(7);
  bool inv = a.flag(8);
  if (a.ok) rope(x, c, s, N, T, st, nh, hd, inv);
  return nullptr;
}
napi_value AttnFwd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *o = a.arr<float>(0), *att = a.arr<float>(1), *qkv = a.arr<float>(2);
  long B = (long)a.num(3), T = (long)a.num(4), NH = (long)a.num(5), NKV = (long)a.num(6), hd = (long)a.num(7);
  if (a.ok) attn_fwd(o, att, qkv, B, T, NH, NKV, hd);
  return nullptr;
}
napi_value AttnBwd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *dqkv = a.arr<float>(0), *d = a.arr<float>(1), *qkv = a.arr<float>(2), *att = a.arr<float>(3);
  long B = (long)a.num(4), T = (long)a.num(5), NH = (long)a.num(6), NKV = (long)a.num(7), hd = (long)a.num(8);
  if (a.ok) attn_bwd(dqkv, d, qkv, att, B, T, NH, NKV, hd);
  return nullptr;
}
napi_value SwigluFwd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *o = a.arr<float>(0), *gu = a.arr<float>(1);
  long N = (long)a.num(2), F = (long)a.num(3);
  if (a.ok) swiglu_fwd(o, gu, N, F);
  return nullptr;
}
napi_value SwigluBwd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *dgu = a.arr<float>(0), *d = a.arr<float>(1), *gu = a.arr<float>(2);
  long N = (long)a.num(3), F = (long)a.num(4);
  if (a.ok) swiglu_bwd(dgu, d, gu, N, F);
  return nullptr;
}
napi_value CrossEntropy(napi_env env, napi_callback_info info) {
  Args a(env, info);
  float *l = a.arr<float>(0), *x = a.arr<float>(1);
  int32_t* t = a.arr<int32_t>(2);
  long N = (long)a.num(3), V = (long)a.num(4);
  float ds = (float)a.num(5);
  if (a.ok) cross_entropy(l, x, t, N, V, ds);
  return nullptr;
}
napi_value SumSquares(napi_env env, napi_callback_info info) {
  Args a(env, info);
  long n = 0;
  float* g = a.arr<float>(0, &n);
  napi_value r = nullptr;
  if (a.ok) napi_create_double(env, sum_squares(g, n), &r);
  return r;
}
napi_value Scale(napi_env env, napi_callback_info info) {
  Args a(env, info);
  long n = 0;
  float* x = a.arr<float>(0, &n);
  float s = (float)a.num(1);
  if (a.ok) scale(x, n, s);
  return nullptr;
}
napi_value AdamW(napi_env env, napi_callback_info info) {
  Args a(env, info);
  long n = 0;
  float *p = a.arr<float>(0, &n), *g = a.arr<float>(1), *m = a.arr<float>(2), *v = a.arr<float>(3);
  float lr = (float)a.num(4), b1 = (float)a.num(5), b2 = (float)a.num(6), eps = (float)a.num(7), wd = (float)a.num(8), bc1 = (float)a.num(9), bc2 = (float)a.num(10);
  if (a.ok) adamw(p, g, m, v, n, lr, b1, b2, eps, wd, bc1, bc2);
  return nullptr;
}
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info);
  int n = (int)a.num(0);
  if (a.ok) pool.start(n);
  return nullptr;
}
napi_value GetThreads(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_int32(env, pool.n, &r);
  return r;
}
napi_value Supported(napi_env env, napi_callback_info) {
  napi_value r;
  __builtin_cpu_init();
  napi_get_boolean(env, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), &r);
  return r;
}

napi_value Init(napi_env env, napi_value exports) {
  struct {
    const char* name;
    napi_callback cb;
  } fns[] = {{"matmul", Matmul}, {"rmsnormForward", RmsnormFwd}, {"rmsnormBackward", RmsnormBwd}, {"rope", Rope}, {"attentionForward", AttnFwd},
             {"attentionBackward", AttnBwd}, {"swigluForward", SwigluFwd}, {"swigluBackward", SwigluBwd}, {"crossEntropy", CrossEntropy},
             {"sumSquares", SumSquares}, {"scale", Scale}, {"adamw", AdamW}, {"setThreads", SetThreads}, {"getThreads", GetThreads}, {"supported", Supported}};
  for (auto& f : fns) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn);
    napi_set_named_property(env, exports, f.name, fn);
  }
  // Worker threads are joined when the environment is torn down.
  napi_add_env_cleanup_hook(env, [](void*) { pool.shutdown(); }, nullptr);
  return exports;
}
}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
