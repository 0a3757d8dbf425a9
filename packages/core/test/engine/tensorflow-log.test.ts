import { describe, expect, it } from 'vitest';
import { isTensorFlowStartupChatter, quietTensorFlow, tensorflowLogWanted } from '@kdlab/core';

// As TensorFlow 2.21's C library printed them here, loading with TF_CPP_MIN_LOG_LEVEL=3.
const PREAMBLE = 'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR';
const ONEDNN =
  'I0000 00:00:1796545672.914223   21703 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.';

describe('TensorFlow start-up chatter', () => {
  it("is absl's preamble and its INFO lines, whatever their clock", () => {
    expect(isTensorFlowStartupChatter(PREAMBLE)).toBe(true);
    expect(isTensorFlowStartupChatter(ONEDNN)).toBe(true);
    expect(isTensorFlowStartupChatter('I1206 08:55:07.123456 4242 cpu_feature_guard.cc:227] This TensorFlow binary is optimized')).toBe(true);
  });

  it('is never a warning, an error or a line of kdlab', () => {
    expect(isTensorFlowStartupChatter('W0000 00:00:1796545672.914223   21703 cuda_dnn.cc:8579] Unable to register cuDNN factory')).toBe(false);
    expect(isTensorFlowStartupChatter('E0000 00:00:1796545672.914223   21703 cuda_blas.cc:1407] Unable to register cuBLAS factory')).toBe(false);
    expect(isTensorFlowStartupChatter('[worker 42] teacher   epoch 1/2  loss 2.1705')).toBe(false);
    expect(isTensorFlowStartupChatter('backend: node (@tensorflow/tfjs-node, TensorFlow 2.21.0 C library)')).toBe(false);
    expect(isTensorFlowStartupChatter(`  ${ONEDNN}`)).toBe(false);
  });
});

describe('quietTensorFlow', () => {
  it('hides INFO through TF_CPP_MIN_LOG_LEVEL unless the variable is set', () => {
    const env: Record<string, string | undefined> = {};
    quietTensorFlow(env);
    expect(env).toEqual({ TF_CPP_MIN_LOG_LEVEL: '1' });
    expect(tensorflowLogWanted(env)).toBe(false);
    const set: Record<string, string | undefined> = { TF_CPP_MIN_LOG_LEVEL: '3' };
    quietTensorFlow(set);
    expect(set).toEqual({ TF_CPP_MIN_LOG_LEVEL: '3' });
  });

  it('leaves TensorFlow as it is with KDLAB_TF_LOG=1 or TF_CPP_MIN_LOG_LEVEL=0', () => {
    for (const env of [{ KDLAB_TF_LOG: '1' }, { KDLAB_TF_LOG: 'true' }, { TF_CPP_MIN_LOG_LEVEL: '0' }] as Record<string, string | undefined>[]) {
      const before = { ...env };
      expect(tensorflowLogWanted(env)).toBe(true);
      quietTensorFlow(env);
      expect(env).toEqual(before);
    }
    expect(tensorflowLogWanted({ KDLAB_TF_LOG: '0' })).toBe(false);
    expect(tensorflowLogWanted({ KDLAB_TF_LOG: 'false' })).toBe(false);
  });
});
