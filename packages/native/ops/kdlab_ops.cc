// kdlab's fused TensorFlow ops: GELU's forward pass and gradients that tfjs-node would otherwise
// compute as 4-12 separate element-wise TensorFlow ops (each a pass over memory and a round trip
// through tfjs' JavaScript).
// Written against TensorFlow's stable C API for ops and kernels (tensorflow/c/ops.h, kernels.h), so
// that it links to the same libtensorflow_framework the tfjs-node addon loads and registers into its
// op registry: tfjs-node's `executeOp` then runs them by name like any TensorFlow op.
//
// Built by `kdlab native build` into a Node-API addon whose `register()` registers the ops (once per
// process) and answers their names and KDLAB_OPS_VERSION. The loops are plain C++ that the compiler
// vectorises, cloned for AVX-512, AVX2 and baseline x86-64 and picked at load by the processor
// (`target_clones`); exp and erf are polynomial approximations written here (float32, within a few
// units in the last place of the float64 values; see the tests in packages/core/test/engine).
#include <immintrin.h>
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "tensorflow/c/kernels.h"
#include "tensorflow/c/ops.h"

// Bumped whenever an op's inputs, outputs, attributes or meaning change: kdlab uses the ops only when
// the built addon answers the version it expects (an older build is ignored until rebuilt).
#define KDLAB_OPS_VERSION 4

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define KDLAB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KDLAB_CLONES
#endif

namespace {

// ---------------------------------------------------------------- vectorisable math (float32)

// exp(x) for x <= 0 (the only case used here): 2^n * p(r), n = round(x / ln 2), r = x - n ln 2 in
// [-ln2/2, ln2/2], p a degree-6 Taylor polynomial (error below 2e-8 relative on that range); inputs
// below -87 give exp(-87), about 1.6e-38 (branch-free, so that every x86 clone vectorises it).
inline float exp_nonpositive(float x) {
  const float clamped = x < -87.0f ? -87.0f : x;
  // round to nearest by adding and subtracting 1.5 * 2^23 (exact for |value| < 2^22; vectorises on any x86)
  const float n = (clamped * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = (clamped - n * 0.693145751953125f) - n * 1.428606765330187e-6f;
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// Φ(x) = 0.5 (1 + erf(x / sqrt 2)) and φ(x) = exp(-x² / 2) / sqrt(2π), the normal distribution's
// CDF and density. erf(z) for z >= 0 is 1 - t (a1 + t (a2 + ... a5)) exp(-z²), t = 1 / (1 + p z)
// (Abramowitz and Stegun 7.1.26: absolute error below 1.5e-7), with exp(-z²) = exp(-x² / 2)
// shared with φ; erf is odd.
inline void normal_cdf_pdf(float x, float* cdf, float* pdf) {
  const float z = std::fabs(x) * 0.70710678118654752f;
  const float e = exp_nonpositive(-0.5f * x * x);
  const float t = 1.0f / (1.0f + 0.3275911f * z);
  float poly = 1.061405429f;
  poly = poly * t - 1.453152027f;
  poly = poly * t + 1.421413741f;
  poly = poly * t - 0.284496736f;
  poly = poly * t + 0.254829592f;
  const float erf_abs = 1.0f - poly * t * e;
  *cdf = 0.5f + std::copysign(0.5f * erf_abs, x);
  *pdf = e * 0.39894228040143268f;
}

// erf(x) exactly as TensorFlow's CPU `Erf` kernel computes it in float32 (Eigen's
// generic_fast_erf<float>, which its packet and scalar paths share): a rational function of degree
// 11/10 in Horner form, each step a product then a sum (no fused multiply-add: the file is compiled
// with -ffp-contract=off), clamped to [-1, 1]. Bit for bit TensorFlow's on every float tested
// (packages/core/test/engine/native-fused-ops.test.ts), so that GELU's forward pass keeps the values of
// tfjs-layers' `gelu` on tfjs-node.
inline float tensorflow_erf(float x) {
  const float x2 = x * x < 16.0f ? x * x : 16.0f;
  float p = 2.123732201653183437883853912353515625e-06f;
  p = p * x2 + 2.861979592125862836837768554687500000e-04f;
  p = p * x2 + 3.658048342913389205932617187500000000e-03f;
  p = p * x2 + 5.243302136659622192382812500000000000e-02f;
  p = p * x2 + 1.874160766601562500000000000000000000e-01f;
  p = p * x2 + 1.128379106521606445312500000000000000e+00f;
  p = x * p;
  float q = 3.89185734093189239501953125000e-05f;
  q = q * x2 + 1.14329601638019084930419921875e-03f;
  q = q * x2 + 1.47520881146192550659179687500e-02f;
  q = q * x2 + 1.12945675849914550781250000000e-01f;
  q = q * x2 + 4.99425798654556274414062500000e-01f;
  q = q * x2 + 1.0f;
  const float r = p / q;
  const float below = r < 1.0f ? r : 1.0f;
  return below > -1.0f ? below : -1.0f;
}

// The mean of n floats exactly as TensorFlow's CPU `Mean` over the last axis computes it (Eigen's
// inner-most reduction, compiled for AVX: four 8-float accumulators over blocks of 32, merged in
// order, then single 8-float packets, then the rest one by one; the packet's lanes summed by halves;
// the sum divided by n).
inline float tensorflow_mean(const float* x, int64_t n) {
  constexpr int64_t P = 8;
  float acc[4][P] = {};
  int64_t start = 0;
  if (n >= 4 * P) {
    const int64_t blocks = (n / (4 * P)) * (4 * P);
    for (int64_t j = 0; j < blocks; j += 4 * P)
      for (int u = 0; u < 4; ++u)
        for (int64_t k = 0; k < P; ++k) acc[u][k] += x[j + u * P + k];
    for (int u = 1; u < 4; ++u)
      for (int64_t k = 0; k < P; ++k) acc[0][k] += acc[u][k];
    start = blocks;
  }
  if (start <= n - P) {
    const int64_t packets = (n / P) * P;
    for (int64_t j = start; j < packets; j += P)
      for (int64_t k = 0; k < P; ++k) acc[0][k] += x[j + k];
    start = packets;
  }
  float rest = 0.0f;
  for (int64_t j = start; j < n; ++j) rest += x[j];
  float half[4], quarter[2];
  for (int k = 0; k < 4; ++k) half[k] = acc[0][k] + acc[0][k + 4];
  for (int k = 0; k < 2; ++k) quarter[k] = half[k] + half[k + 2];
  return (rest + (quarter[0] + quarter[1])) / static_cast<float>(n);
}

// 1 / sqrt(v) as TensorFlow's CPU `Rsqrt` computes it for the elements its vectorised loop takes
// (Eigen's AVX prsqrt: the processor's rsqrtps estimate and one Newton step, products and sums
// rounded separately); `exact` for those its scalar loop takes (1 / sqrt(v)).
__attribute__((target("avx"))) float tensorflow_rsqrt_vectorised(float v) {
  const __m256 a = _mm256_set1_ps(v);
  const __m256 approx = _mm256_rsqrt_ps(a);
  const __m256 r2 = _mm256_mul_ps(a, approx);
  const __m256 half_r = _mm256_mul_ps(approx, _mm256_set1_ps(-0.5f));
  const __m256 h = _mm256_add_ps(_mm256_mul_ps(r2, approx), _mm256_set1_ps(-1.0f));
  const __m256 refined = _mm256_add_ps(_mm256_mul_ps(half_r, h), approx);
  const __m256 result = _mm256_blendv_ps(refined, approx, _mm256_cmp_ps(refined, refined, _CMP_UNORD_Q));
  return _mm256_cvtss_f32(result);
}

inline float exact_rsqrt(float v) { return 1.0f / std::sqrt(v); }

// Layer normalisation over rows of `features` as kdlab's layerNorm computes it on tfjs-node with
// TensorFlow's kernels (packages/students/src/ops/layer-norm.ts: mean, x - mean, the mean of its
// square, then (x - mean) * (rsqrt(variance + epsilon) * gamma) + beta), to the bit. The rsqrt is per
// row when the row count is a multiple of 64 (`rowwise`), else on the variance tiled to the input's
// shape, where the elements from floor(size / 8) * 8 on take TensorFlow's scalar loop. Also answers
// x - mean and the variances, which the gradient takes.
void layer_norm(const float* x, const float* gamma, const float* beta, float epsilon, int64_t rows, int64_t features, bool rowwise, float* y, float* centered, float* variance) {
  const int64_t vectorised_end = ((rows * features) / 8) * 8;
  std::vector<float> squares(features);
  for (int64_t row = 0; row < rows; ++row) {
    const float* x_row = x + row * features;
    float* c_row = centered + row * features;
    float* y_row = y + row * features;
    const float mean = tensorflow_mean(x_row, features);
    for (int64_t j = 0; j < features; ++j) {
      c_row[j] = x_row[j] - mean;
      squares[j] = c_row[j] * c_row[j];
    }
    const float var = tensorflow_mean(squares.data(), features);
    variance[row] = var;
    const float shifted = var + epsilon;
    const float vectorised = tensorflow_rsqrt_vectorised(shifted);
    const float scalar = rowwise ? vectorised : exact_rsqrt(shifted);
    const int64_t first_scalar = rowwise ? features : vectorised_end - row * features;
    for (int64_t j = 0; j < features; ++j) {
      const float rstd = j < first_scalar ? vectorised : scalar;
      y_row[j] = c_row[j] * (rstd * gamma[j]) + beta[j];
    }
  }
}

// ---------------------------------------------------------------- loops

// GELU's forward pass as tfjs-layers' `gelu` computes it with TensorFlow's kernels, op for op:
// x * (0.5 * (1 + erf(x / float(sqrt 2)))).
KDLAB_CLONES
void gelu(const float* x, float* y, int64_t size) {
  for (int64_t i = 0; i < size; ++i) y[i] = x[i] * (0.5f * (1.0f + tensorflow_erf(x[i] / 1.41421354f)));
}

// Σ a b (c when given) over n values, in 16 partial sums (so that the compiler can vectorise it
// without reassociating a single sum), then the partial sums and the remainder in order.
inline float dot(const float* a, const float* b, const float* c, int64_t n) {
  float partial[16] = {0};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int k = 0; k < 16; ++k) partial[k] += a[j + k] * b[j + k] * (c == nullptr ? 1.0f : c[j + k]);
  float sum = 0.0f;
  for (int k = 0; k < 16; ++k) sum += partial[k];
  for (; j < n; ++j) sum += a[j] * b[j] * (c == nullptr ? 1.0f : c[j]);
  return sum;
}

KDLAB_CLONES
void gelu_grad(const float* dy, const float* x, float* dx, int64_t size) {
  for (int64_t i = 0; i < size; ++i) {
    float cdf, pdf;
    normal_cdf_pdf(x[i], &cdf, &pdf);
    dx[i] = dy[i] * (cdf + x[i] * pdf);
  }
}

// Layer norm's gradient over rows of `features`: with rstd = 1 / sqrt(variance + epsilon), xhat =
// centered * rstd and g = dy * gamma, dx = rstd (g - mean(g) - xhat mean(g xhat)); dgamma = Σ dy xhat
// and dbeta = Σ dy over the rows (accumulated in double).
KDLAB_CLONES
void layer_norm_grad(const float* dy, const float* centered, const float* variance, const float* gamma, float epsilon, int64_t rows, int64_t features, float* dx, double* dgamma, double* dbeta) {
  const float inverse_features = 1.0f / static_cast<float>(features);
  for (int64_t row = 0; row < rows; ++row) {
    const float* dy_row = dy + row * features;
    const float* c_row = centered + row * features;
    float* dx_row = dx + row * features;
    const float rstd = 1.0f / std::sqrt(variance[row] + epsilon);
    const float mean_g = dot(dy_row, gamma, nullptr, features) * inverse_features;
    const float c = rstd * rstd * dot(dy_row, gamma, c_row, features) * inverse_features;
    for (int64_t j = 0; j < features; ++j) {
      dx_row[j] = rstd * (dy_row[j] * gamma[j] - mean_g - c_row[j] * c);
      dgamma[j] += static_cast<double>(dy_row[j] * c_row[j] * rstd);
      dbeta[j] += static_cast<double>(dy_row[j]);
    }
  }
}

// The attention's head split of a projection: y[b, h, s, :] = x[b * seq + s, h * size : (h + 1) * size]
// + bias[h * size : (h + 1) * size], i.e. transpose(reshape(x + bias, [batch, seq, heads, size]), [0, 2,
// 1, 3]) in one pass (the same sums, so the same values).
KDLAB_CLONES
void split_heads(const float* x, const float* bias, float* y, int64_t batch, int64_t seq, int64_t heads, int64_t size) {
  const int64_t hidden = heads * size;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t s = 0; s < seq; ++s) {
      const float* x_row = x + (b * seq + s) * hidden;
      for (int64_t h = 0; h < heads; ++h) {
        float* y_row = y + ((b * heads + h) * seq + s) * size;
        for (int64_t d = 0; d < size; ++d) y_row[d] = x_row[h * size + d] + bias[h * size + d];
      }
    }
}

// Its gradient: dx the head split undone (a transpose), dbias the sum of dy over batch and sequence
// (accumulated in double).
KDLAB_CLONES
void split_heads_grad(const float* dy, float* dx, double* dbias, int64_t batch, int64_t seq, int64_t heads, int64_t size) {
  const int64_t hidden = heads * size;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t s = 0; s < seq; ++s) {
      float* dx_row = dx + (b * seq + s) * hidden;
      for (int64_t h = 0; h < heads; ++h) {
        const float* dy_row = dy + ((b * heads + h) * seq + s) * size;
        for (int64_t d = 0; d < size; ++d) {
          dx_row[h * size + d] = dy_row[d];
          dbias[h * size + d] += static_cast<double>(dy_row[d]);
        }
      }
    }
}

// Softmax's gradient over rows of `classes`: dx = y (dy - Σ dy y).
KDLAB_CLONES
void softmax_grad(const float* dy, const float* y, float* dx, int64_t rows, int64_t classes) {
  for (int64_t row = 0; row < rows; ++row) {
    const float* dy_row = dy + row * classes;
    const float* y_row = y + row * classes;
    float* dx_row = dx + row * classes;
    const float sum = dot(dy_row, y_row, nullptr, classes);
    for (int64_t j = 0; j < classes; ++j) dx_row[j] = y_row[j] * (dy_row[j] - sum);
  }
}

// ---------------------------------------------------------------- TensorFlow kernels

// The inputs of a kernel, freed when it returns.
struct Inputs {
  std::vector<TF_Tensor*> tensors;
  ~Inputs() {
    for (TF_Tensor* tensor : tensors) TF_DeleteTensor(tensor);
  }
};

struct Status {
  TF_Status* status = TF_NewStatus();
  ~Status() { TF_DeleteStatus(status); }
  bool ok() const { return TF_GetCode(status) == TF_OK; }
};

std::vector<int64_t> dims_of(const TF_Tensor* tensor) {
  std::vector<int64_t> dims(TF_NumDims(tensor));
  for (size_t i = 0; i < dims.size(); ++i) dims[i] = TF_Dim(tensor, static_cast<int>(i));
  return dims;
}

void fail(TF_OpKernelContext* context, const std::string& message) {
  Status status;
  TF_SetStatus(status.status, TF_INVALID_ARGUMENT, message.c_str());
  TF_OpKernelContext_Failure(context, status.status);
}

// Reads `count` float32 inputs; false (after failing the kernel) when one is missing or not float32.
bool read_inputs(TF_OpKernelContext* context, int count, Inputs* inputs, const char* op) {
  Status status;
  for (int i = 0; i < count; ++i) {
    TF_Tensor* tensor = nullptr;
    TF_GetInput(context, i, &tensor, status.status);
    if (!status.ok()) {
      TF_OpKernelContext_Failure(context, status.status);
      return false;
    }
    inputs->tensors.push_back(tensor);
    if (TF_TensorType(tensor) != TF_FLOAT) {
      fail(context, std::string(op) + ": input " + std::to_string(i) + " must be float32");
      return false;
    }
  }
  return true;
}

// A float32 output of `dims`; nullptr (after failing the kernel) when it cannot be allocated.
float* allocate(TF_OpKernelContext* context, int index, const std::vector<int64_t>& dims, TF_Tensor** owned) {
  int64_t size = 1;
  for (int64_t d : dims) size *= d;
  Status status;
  *owned = TF_AllocateOutput(context, index, TF_FLOAT, dims.data(), static_cast<int>(dims.size()), static_cast<size_t>(size) * sizeof(float), status.status);
  if (!status.ok()) {
    TF_OpKernelContext_Failure(context, status.status);
    return nullptr;
  }
  return static_cast<float*>(TF_TensorData(*owned));
}

int64_t element_count(const TF_Tensor* tensor) { return TF_TensorElementCount(tensor); }

struct LayerNormAttributes {
  float epsilon = 0.0f;
};

void compute_layer_norm(void* kernel, TF_OpKernelContext* context) {
  const float epsilon = static_cast<LayerNormAttributes*>(kernel)->epsilon;
  Inputs in;
  if (!read_inputs(context, 3, &in, "KdlabLayerNorm")) return;
  TF_Tensor *x = in.tensors[0], *gamma = in.tensors[1], *beta = in.tensors[2];
  const std::vector<int64_t> shape = dims_of(x);
  if (shape.size() < 2) return fail(context, "KdlabLayerNorm: x must have rank 2 or more");
  const int64_t features = shape.back();
  if (dims_of(gamma) != std::vector<int64_t>{features} || dims_of(beta) != std::vector<int64_t>{features}) return fail(context, "KdlabLayerNorm: gamma and beta must be vectors of the last axis' size");
  const int64_t rows = features == 0 ? 0 : element_count(x) / features;
  std::vector<int64_t> row_shape = shape;
  row_shape.back() = 1;
  TF_Tensor *y_out = nullptr, *centered_out = nullptr, *variance_out = nullptr;
  float* y = allocate(context, 0, shape, &y_out);
  float* centered = y == nullptr ? nullptr : allocate(context, 1, shape, &centered_out);
  float* variance = centered == nullptr ? nullptr : allocate(context, 2, row_shape, &variance_out);
  if (variance != nullptr && rows > 0) {
    layer_norm(static_cast<const float*>(TF_TensorData(x)), static_cast<const float*>(TF_TensorData(gamma)), static_cast<const float*>(TF_TensorData(beta)), epsilon, rows, features, rows % 64 == 0, y, centered, variance);
  }
  for (TF_Tensor* out : {y_out, centered_out, variance_out}) if (out != nullptr) TF_DeleteTensor(out);
}

// The head count and sequence length of the split-heads ops.
struct HeadsAttributes {
  int64_t heads = 1;
  int64_t seq = 1;
};

void* create_heads_attributes(TF_OpKernelConstruction* construction) {
  auto* attributes = new HeadsAttributes();
  Status status;
  TF_OpKernelConstruction_GetAttrInt64(construction, "heads", &attributes->heads, status.status);
  if (status.ok()) TF_OpKernelConstruction_GetAttrInt64(construction, "seq", &attributes->seq, status.status);
  if (!status.ok()) TF_OpKernelConstruction_Failure(construction, status.status);
  return attributes;
}

void delete_heads_attributes(void* attributes) { delete static_cast<HeadsAttributes*>(attributes); }

void compute_split_heads(void* kernel, TF_OpKernelContext* context) {
  const auto& [heads, seq] = *static_cast<HeadsAttributes*>(kernel);
  Inputs in;
  if (!read_inputs(context, 2, &in, "KdlabSplitHeads")) return;
  TF_Tensor *x = in.tensors[0], *bias = in.tensors[1];
  const std::vector<int64_t> shape = dims_of(x);
  const int64_t hidden = shape.empty() ? 0 : shape.back();
  if (shape.size() < 2 || heads <= 0 || seq <= 0 || hidden % heads != 0 || (element_count(x) / std::max<int64_t>(hidden, 1)) % seq != 0)
    return fail(context, "KdlabSplitHeads: x must be [..., rows, hidden] with rows a multiple of seq and hidden of heads");
  if (dims_of(bias) != std::vector<int64_t>{hidden}) return fail(context, "KdlabSplitHeads: bias must be a vector of the last axis' size");
  const int64_t batch = element_count(x) / hidden / seq, size = hidden / heads;
  TF_Tensor* out = nullptr;
  float* y = allocate(context, 0, {batch, heads, seq, size}, &out);
  if (y == nullptr) return;
  split_heads(static_cast<const float*>(TF_TensorData(x)), static_cast<const float*>(TF_TensorData(bias)), y, batch, seq, heads, size);
  TF_DeleteTensor(out);
}

void compute_split_heads_grad(void* kernel, TF_OpKernelContext* context) {
  const auto& [heads, seq] = *static_cast<HeadsAttributes*>(kernel);
  Inputs in;
  if (!read_inputs(context, 1, &in, "KdlabSplitHeadsGrad")) return;
  TF_Tensor* dy = in.tensors[0];
  const std::vector<int64_t> shape = dims_of(dy);
  if (shape.size() != 4 || shape[1] != heads || shape[2] != seq) return fail(context, "KdlabSplitHeadsGrad: dy must be [batch, heads, seq, size]");
  const int64_t batch = shape[0], size = shape[3], hidden = heads * size;
  TF_Tensor *dx_out = nullptr, *dbias_out = nullptr;
  float* dx = allocate(context, 0, {batch * seq, hidden}, &dx_out);
  float* dbias = dx == nullptr ? nullptr : allocate(context, 1, {hidden}, &dbias_out);
  if (dbias != nullptr) {
    std::vector<double> sums(hidden, 0.0);
    split_heads_grad(static_cast<const float*>(TF_TensorData(dy)), dx, sums.data(), batch, seq, heads, size);
    for (int64_t j = 0; j < hidden; ++j) dbias[j] = static_cast<float>(sums[j]);
  }
  for (TF_Tensor* out : {dx_out, dbias_out}) if (out != nullptr) TF_DeleteTensor(out);
}

void compute_gelu(void*, TF_OpKernelContext* context) {
  Inputs in;
  if (!read_inputs(context, 1, &in, "KdlabGelu")) return;
  TF_Tensor* x = in.tensors[0];
  TF_Tensor* out = nullptr;
  float* y = allocate(context, 0, dims_of(x), &out);
  if (y == nullptr) return;
  gelu(static_cast<const float*>(TF_TensorData(x)), y, element_count(x));
  TF_DeleteTensor(out);
}

void compute_gelu_grad(void*, TF_OpKernelContext* context) {
  Inputs in;
  if (!read_inputs(context, 2, &in, "KdlabGeluGrad")) return;
  TF_Tensor *dy = in.tensors[0], *x = in.tensors[1];
  if (dims_of(dy) != dims_of(x)) return fail(context, "KdlabGeluGrad: dy and x must have the same shape");
  TF_Tensor* out = nullptr;
  float* dx = allocate(context, 0, dims_of(x), &out);
  if (dx == nullptr) return;
  gelu_grad(static_cast<const float*>(TF_TensorData(dy)), static_cast<const float*>(TF_TensorData(x)), dx, element_count(x));
  TF_DeleteTensor(out);
}

void* create_epsilon_attribute(TF_OpKernelConstruction* construction) {
  auto* attributes = new LayerNormAttributes();
  Status status;
  TF_OpKernelConstruction_GetAttrFloat(construction, "epsilon", &attributes->epsilon, status.status);
  if (!status.ok()) TF_OpKernelConstruction_Failure(construction, status.status);
  return attributes;
}

void delete_epsilon_attribute(void* attributes) { delete static_cast<LayerNormAttributes*>(attributes); }

void compute_layer_norm_grad(void* kernel, TF_OpKernelContext* context) {
  const float epsilon = static_cast<LayerNormAttributes*>(kernel)->epsilon;
  Inputs in;
  if (!read_inputs(context, 4, &in, "KdlabLayerNormGrad")) return;
  TF_Tensor *dy = in.tensors[0], *centered = in.tensors[1], *variance = in.tensors[2], *gamma = in.tensors[3];
  const std::vector<int64_t> shape = dims_of(centered);
  if (shape.empty() || dims_of(dy) != shape) return fail(context, "KdlabLayerNormGrad: dy and centered must have the same shape, of rank 1 or more");
  const int64_t features = shape.back();
  const int64_t rows = features == 0 ? 0 : element_count(centered) / features;
  if (element_count(variance) != rows) return fail(context, "KdlabLayerNormGrad: variance must hold one value per row of centered");
  if (dims_of(gamma) != std::vector<int64_t>{features}) return fail(context, "KdlabLayerNormGrad: gamma must be a vector of the last axis' size");
  TF_Tensor *dx_out = nullptr, *dgamma_out = nullptr, *dbeta_out = nullptr;
  float* dx = allocate(context, 0, shape, &dx_out);
  float* dgamma = dx == nullptr ? nullptr : allocate(context, 1, {features}, &dgamma_out);
  float* dbeta = dgamma == nullptr ? nullptr : allocate(context, 2, {features}, &dbeta_out);
  if (dbeta != nullptr) {
    std::vector<double> dgamma_sum(features, 0.0), dbeta_sum(features, 0.0);
    layer_norm_grad(static_cast<const float*>(TF_TensorData(dy)), static_cast<const float*>(TF_TensorData(centered)), static_cast<const float*>(TF_TensorData(variance)),
                    static_cast<const float*>(TF_TensorData(gamma)), epsilon, rows, features, dx, dgamma_sum.data(), dbeta_sum.data());
    for (int64_t j = 0; j < features; ++j) {
      dgamma[j] = static_cast<float>(dgamma_sum[j]);
      dbeta[j] = static_cast<float>(dbeta_sum[j]);
    }
  }
  for (TF_Tensor* out : {dx_out, dgamma_out, dbeta_out}) if (out != nullptr) TF_DeleteTensor(out);
}

void compute_softmax_grad(void*, TF_OpKernelContext* context) {
  Inputs in;
  if (!read_inputs(context, 2, &in, "KdlabSoftmaxGrad")) return;
  TF_Tensor *dy = in.tensors[0], *y = in.tensors[1];
  const std::vector<int64_t> shape = dims_of(y);
  if (shape.empty() || dims_of(dy) != shape) return fail(context, "KdlabSoftmaxGrad: dy and y must have the same shape, of rank 1 or more");
  TF_Tensor* out = nullptr;
  float* dx = allocate(context, 0, shape, &out);
  if (dx == nullptr) return;
  const int64_t classes = shape.back();
  softmax_grad(static_cast<const float*>(TF_TensorData(dy)), static_cast<const float*>(TF_TensorData(y)), dx, classes == 0 ? 0 : element_count(y) / classes, classes);
  TF_DeleteTensor(out);
}

// ---------------------------------------------------------------- registration

struct OpSpec {
  const char* name;
  std::vector<const char*> inputs, outputs, attributes;
  void* (*create)(TF_OpKernelConstruction*);
  void (*compute)(void*, TF_OpKernelContext*);
  void (*destroy)(void*);
};

void* no_state(TF_OpKernelConstruction*) { return nullptr; }
void no_delete(void*) {}

const std::vector<OpSpec>& op_specs() {
  static const std::vector<OpSpec> specs = {
      {"KdlabLayerNorm", {"x: float", "gamma: float", "beta: float"}, {"y: float", "centered: float", "variance: float"}, {"epsilon: float"}, create_epsilon_attribute,
       compute_layer_norm, delete_epsilon_attribute},
      {"KdlabGelu", {"x: float"}, {"y: float"}, {}, no_state, compute_gelu, no_delete},
      {"KdlabGeluGrad", {"dy: float", "x: float"}, {"dx: float"}, {}, no_state, compute_gelu_grad, no_delete},
      {"KdlabLayerNormGrad", {"dy: float", "centered: float", "variance: float", "gamma: float"}, {"dx: float", "dgamma: float", "dbeta: float"}, {"epsilon: float"}, create_epsilon_attribute,
       compute_layer_norm_grad, delete_epsilon_attribute},
      {"KdlabSplitHeads", {"x: float", "bias: float"}, {"y: float"}, {"heads: int", "seq: int"}, create_heads_attributes, compute_split_heads, delete_heads_attributes},
      {"KdlabSplitHeadsGrad", {"dy: float"}, {"dx: float", "dbias: float"}, {"heads: int", "seq: int"}, create_heads_attributes, compute_split_heads_grad, delete_heads_attributes},
      {"KdlabSoftmaxGrad", {"dy: float", "y: float"}, {"dx: float"}, {}, no_state, compute_softmax_grad, no_delete},
  };
  return specs;
}

// Registers every op and its CPU kernel; an empty string, or what TensorFlow said.
std::string register_ops() {
  for (const OpSpec& spec : op_specs()) {
    Status status;
    TF_OpDefinitionBuilder* builder = TF_NewOpDefinitionBuilder(spec.name);
    for (const char* input : spec.inputs) TF_OpDefinitionBuilderAddInput(builder, input);
    for (const char* output : spec.outputs) TF_OpDefinitionBuilderAddOutput(builder, output);
    for (const char* attribute : spec.attributes) TF_OpDefinitionBuilderAddAttr(builder, attribute);
    TF_RegisterOpDefinition(builder, status.status);
    if (!status.ok()) return std::string(spec.name) + ": " + TF_Message(status.status);
    TF_KernelBuilder* kernel = TF_NewKernelBuilder(spec.name, "CPU", spec.create, spec.compute, spec.destroy);
    TF_RegisterKernelBuilder(spec.name, kernel, status.status);
    if (!status.ok()) return std::string(spec.name) + " (CPU kernel): " + TF_Message(status.status);
  }
  return "";
}

// register(): registers the ops once per process and answers { version, ops: [names] }.
napi_value Register(napi_env env, napi_callback_info) {
  static std::string error = register_ops();
  if (!error.empty()) {
    napi_throw_error(env, nullptr, ("kdlab ops: " + error).c_str());
    return nullptr;
  }
  napi_value result, version, names;
  napi_create_object(env, &result);
  napi_create_int32(env, KDLAB_OPS_VERSION, &version);
  napi_set_named_property(env, result, "version", version);
  napi_create_array_with_length(env, op_specs().size(), &names);
  for (size_t i = 0; i < op_specs().size(); ++i) {
    napi_value name;
    napi_create_string_utf8(env, op_specs()[i].name, NAPI_AUTO_LENGTH, &name);
    napi_set_element(env, names, static_cast<uint32_t>(i), name);
  }
  napi_set_named_property(env, result, "ops", names);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value function;
  napi_create_function(env, "register", NAPI_AUTO_LENGTH, Register, nullptr, &function);
  napi_set_named_property(env, exports, "register", function);
  return exports;
}

}  // namespace

NAPI_MODULE(kdlab_ops, Init)
