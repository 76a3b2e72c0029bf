// oellm native data-pipeline kernels: a Node-API (plain C API, node_api.h) addon with the two
// integer inner loops of the corpus pipeline that dominate its CPU profile — the language-ID
// score sums (src/lid/linear.ts LinearModel.scoresOf: int8 weight rows added count times) and the
// MinHash signature (src/data/dedup/minhash.ts minhash). Both are exact integer arithmetic, so
// the results equal the TypeScript loops bit for bit (tests assert it); AVX2 code paths are
// chosen at run time, a plain C++ loop otherwise. Not the training kernels (src/train/native/).
// Reference: the TypeScript implementations named above.
#include <node_api.h>
#include <cstdint>
#include <cstring>

namespace {

struct Args {
  napi_env env;
  napi_value argv[8];
  size_t argc = 8;
  bool ok = true;
  Args(napi_env e, napi_callback_info info) : env(e) { napi_get_cb_info(e, info, &argc, argv, nullptr, nullptr); }
  void* typed(size_t i, napi_typedarray_type want, size_t* len) {
    bool is = false;
    if (!ok || i >= argc || napi_is_typedarray(env, argv[i], &is) != napi_ok || !is) return fail("expected a typed array");
    napi_typedarray_type t;
    void* data = nullptr;
    napi_value ab;
    size_t off = 0;
    if (napi_get_typedarray_info(env, argv[i], &t, len, &data, &ab, &off) != napi_ok || t != want) return fail("wrong typed array type");
    return data;
  }
  double num(size_t i) {
    double v = 0;
    if (!ok || i >= argc || napi_get_value_double(env, argv[i], &v) != napi_ok) fail("expected a number");
    return v;
  }
  void* fail(const char* msg) {
    if (ok) napi_throw_type_error(env, nullptr, msg);
    ok = false;
    return nullptr;
  }
};

// acc[c] = sum over distinct features f of count(f) * q[f*C + c]; cnt (rows long) must be all 0
// on entry and is all 0 on return; uniq holds at least n entries.
template <int dummy>
inline void accumulate_body(const int8_t* q, int C, const int32_t* feats, size_t n, int32_t* cnt, int32_t* uniq, int32_t* acc) {
  size_t u = 0;
  for (size_t i = 0; i < n; i++) {
    int32_t f = feats[i];
    if (cnt[f]++ == 0) uniq[u++] = f;
  }
  // unsigned arithmetic: wraps mod 2^32 exactly as the TypeScript loop's Int32Array stores do
  uint32_t* ua = (uint32_t*)acc;
  for (int c = 0; c < C; c++) ua[c] = 0;
  for (size_t i = 0; i < u; i++) {
    int32_t f = uniq[i];
    uint32_t k = (uint32_t)cnt[f];
    cnt[f] = 0;
    const int8_t* row = q + (size_t)f * (size_t)C;
    for (int c = 0; c < C; c++) ua[c] += k * (uint32_t)(int32_t)row[c];
  }
}
__attribute__((target("avx2"))) void accumulate_avx2(const int8_t* q, int C, const int32_t* feats, size_t n, int32_t* cnt, int32_t* uniq, int32_t* acc) {
  accumulate_body<0>(q, C, feats, n, cnt, uniq, acc);
}
void accumulate_plain(const int8_t* q, int C, const int32_t* feats, size_t n, int32_t* cnt, int32_t* uniq, int32_t* acc) {
  accumulate_body<1>(q, C, feats, n, cnt, uniq, acc);
}

template <int dummy>
inline void minhash_body(const uint32_t* sh, size_t m, const uint32_t* A, const uint32_t* B, size_t H, uint32_t* out) {
  for (size_t i = 0; i < H; i++) {
    const uint32_t a = A[i], b = B[i];
    uint32_t mn = 0xffffffffu;
    for (size_t j = 0; j < m; j++) {
      uint32_t h = sh[j] * a + b;
      h ^= h >> 16;
      h *= 0x85ebca6bu;
      h ^= h >> 13;
      h *= 0xc2b2ae35u;
      h ^= h >> 16;
      mn = h < mn ? h : mn;
    }
    out[i] = mn;
  }
}
__attribute__((target("avx2"))) void minhash_avx2(const uint32_t* sh, size_t m, const uint32_t* A, const uint32_t* B, size_t H, uint32_t* out) {
  minhash_body<0>(sh, m, A, B, H, out);
}
void minhash_plain(const uint32_t* sh, size_t m, const uint32_t* A, const uint32_t* B, size_t H, uint32_t* out) { minhash_body<1>(sh, m, A, B, H, out); }

bool has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
const bool AVX2 = has_avx2();

// lidAccumulate(q: Int8Array, C, feats: Int32Array, cnt: Int32Array, uniq: Int32Array, acc: Int32Array)
napi_value LidAccumulate(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t qn = 0, fn = 0, cn = 0, un = 0, an = 0;
  auto* q = (const int8_t*)a.typed(0, napi_int8_array, &qn);
  int C = (int)a.num(1);
  auto* feats = (const int32_t*)a.typed(2, napi_int32_array, &fn);
  auto* cnt = (int32_t*)a.typed(3, napi_int32_array, &cn);
  auto* uniq = (int32_t*)a.typed(4, napi_int32_array, &un);
  auto* acc = (int32_t*)a.typed(5, napi_int32_array, &an);
  if (!a.ok) return nullptr;
  if (C <= 0 || an < (size_t)C || un < fn || cn * (size_t)C != qn) {
    a.fail("lidAccumulate: inconsistent sizes");
    return nullptr;
  }
  for (size_t i = 0; i < fn; i++)
    if (feats[i] < 0 || (size_t)feats[i] >= cn) {
      a.fail("lidAccumulate: feature out of range");
      return nullptr;
    }
  if (AVX2) accumulate_avx2(q, C, feats, fn, cnt, uniq, acc);
  else accumulate_plain(q, C, feats, fn, cnt, uniq, acc);
  return nullptr;
}

// minhash(sh: Uint32Array, a: Uint32Array, b: Uint32Array, out: Uint32Array)
napi_value Minhash(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t m = 0, ha = 0, hb = 0, ho = 0;
  auto* sh = (const uint32_t*)a.typed(0, napi_uint32_array, &m);
  auto* A = (const uint32_t*)a.typed(1, napi_uint32_array, &ha);
  auto* B = (const uint32_t*)a.typed(2, napi_uint32_array, &hb);
  auto* out = (uint32_t*)a.typed(3, napi_uint32_array, &ho);
  if (!a.ok) return nullptr;
  if (hb != ha || ho < ha) {
    a.fail("minhash: inconsistent sizes");
    return nullptr;
  }
  if (AVX2) minhash_avx2(sh, m, A, B, ha, out);
  else minhash_plain(sh, m, A, B, ha, out);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  struct {
    const char* name;
    napi_callback cb;
  } fns[] = {{"lidAccumulate", LidAccumulate}, {"minhash", Minhash}};
  for (auto& f : fns) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn);
    napi_set_named_property(env, exports, f.name, fn);
  }
  return exports;
}
}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
