import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRootContainer, createRunContainer, pluginRegistries } from '../src/container/create-container.js';
import { pluginModule } from '../src/container/plugin-module.js';
import { defineLoss } from '../src/loss/define-loss.js';
import { fakeCe, fakeHinton } from './support/fake-plugins.js';

const thirdPartyLoss = defineLoss({
  id: 'my-loss',
  description: 'a loss from outside kdlab',
  options: z.object({}),
  needs: () => ({ teacherLogits: false, studentFeatures: [], teacherFeatures: [] }),
  create: () => {
    throw new Error('not used');
  },
});

describe('plugin registries', () => {
  it('lists plugins and selects them by id', () => {
    const registries = pluginRegistries(createRootContainer(pluginModule({ losses: [fakeCe, fakeHinton] })));
    expect(registries.losses.ids()).toEqual(['ce', 'hinton']);
    expect(registries.losses.get('hinton')).toBe(fakeHinton);
    expect(() => registries.losses.get('nope')).toThrow('Unknown loss "nope". Registered loss plugins: ce, hinton.');
  });

  it('sees a third party\'s plugin loaded from its own module, and a run container sees its parent\'s', () => {
    const root = createRootContainer(pluginModule({ losses: [fakeCe] }), pluginModule({ losses: [thirdPartyLoss] }));
    const run = createRunContainer(root);
    run.load(pluginModule({ losses: [fakeHinton] }));
    expect(pluginRegistries(run).losses.ids()).toEqual(['ce', 'hinton', 'my-loss']);
    expect(pluginRegistries(root).losses.ids()).toEqual(['ce', 'my-loss']);
  });

  it('refuses two plugins with one id', () => {
    const container = createRootContainer(pluginModule({ losses: [fakeCe, fakeCe] }));
    expect(() => pluginRegistries(container)).toThrow('Two loss plugins are registered with the id "ce"');
  });
});
