/** Anything with an id: loss, model and dataset definitions. */
export interface Identified {
  /** The plugin's id. */
  readonly id: string;
}

/** An id-keyed view of the plugins bound under one token: list them, or select one by id. */
export class PluginRegistry<T extends Identified> {
  readonly #byId = new Map<string, T>();

  /**
   * @param kind - what the plugins are (`loss`, `model`, `dataset`), for error messages.
   * @param plugins - the definitions; a duplicate id is an error naming it.
   */
  constructor(
    readonly kind: string,
    plugins: readonly T[],
  ) {
    for (const plugin of plugins) {
      if (this.#byId.has(plugin.id)) {
        throw new Error(`Two ${kind} plugins are registered with the id "${plugin.id}"; ids must be unique.`);
      }
      this.#byId.set(plugin.id, plugin);
    }
  }

  /** The ids of every registered plugin, sorted. */
  ids(): string[] {
    return [...this.#byId.keys()].sort();
  }

  /** Every registered plugin. */
  list(): T[] {
    return [...this.#byId.values()];
  }

  /** Whether a plugin with this id is registered. */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The plugin with this id; throws an error listing the known ids when there is none. */
  get(id: string): T {
    const plugin = this.#byId.get(id);
    if (!plugin) {
      throw new Error(`Unknown ${this.kind} "${id}". Registered ${this.kind} plugins: ${this.ids().join(', ') || '(none)'}.`);
    }
    return plugin;
  }
}
