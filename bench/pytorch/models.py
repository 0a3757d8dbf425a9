"""The architectures of kdlab's bench workloads, built the same way in PyTorch.

Each mirrors the kdlab model family named in its docstring (packages/students): same layers, widths,
activations, padding, pooling and head. Initialisation is PyTorch's default (kdlab's differs; it does
not change the cost of a step). Every model's forward returns (logits, features) like kdlab's
`Model.forward`, with the feature taps the bench's losses read.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


class Mlp(nn.Module):
    """kdlab `mlp({ hidden })`: flatten, dense + ReLU per hidden layer, linear logits."""

    def __init__(self, hidden, inputs=784, classes=10):
        super().__init__()
        sizes = [inputs, *hidden]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.logits = nn.Linear(sizes[-1], classes)

    def forward(self, x):
        x = torch.flatten(x, 1)
        features = {}
        for index, layer in enumerate(self.hidden):
            x = F.relu(layer(x))
            features[f"hidden{index + 1}"] = x
        return self.logits(x), features


class Cnn(nn.Module):
    """kdlab `cnn({ channels, pool, dense })`: 3x3 same conv + ReLU blocks, each optionally followed
    by a 2x2 max pooling ('max') or none ('none'), flatten, dense + ReLU, linear logits. Taps
    `block<i>` are each block's output after its ReLU, before its pooling (NCHW here)."""

    def __init__(self, channels=(32, 64), pool=("max", "max"), dense=(128,), image=28, in_channels=1, classes=10):
        super().__init__()
        self.convs = nn.ModuleList()
        self.pool = list(pool)
        previous, side = in_channels, image
        for width, kind in zip(channels, self.pool):
            self.convs.append(nn.Conv2d(previous, width, 3, padding=1))
            previous = width
            if kind == "max":
                side //= 2
        sizes = [previous * side * side, *dense]
        self.dense = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.logits = nn.Linear(sizes[-1], classes)

    def forward(self, x):
        features = {}
        for index, (conv, kind) in enumerate(zip(self.convs, self.pool)):
            x = F.relu(conv(x))
            features[f"block{index + 1}"] = x
            if kind == "max":
                x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        for layer in self.dense:
            x = F.relu(layer(x))
        return self.logits(x), features


class FitNet(nn.Module):
    """kdlab `fitnet({ depth: 9, width: 16 })`: stages [16,16,16], [32,32,32], [64,64,64] of 3x3 same
    conv + ReLU, a 2x2 max pooling between stages, global max pooling, linear logits. Taps
    `block<i>` are every conv layer's output, numbered through the network."""

    def __init__(self, stages=((16, 16, 16), (32, 32, 32), (64, 64, 64)), in_channels=1, classes=10):
        super().__init__()
        self.stages = nn.ModuleList()
        previous = in_channels
        for widths in stages:
            convs = nn.ModuleList()
            for width in widths:
                convs.append(nn.Conv2d(previous, width, 3, padding=1))
                previous = width
            self.stages.append(convs)
        self.logits = nn.Linear(previous, classes)

    def forward(self, x):
        features = {}
        block = 0
        for index, convs in enumerate(self.stages):
            for conv in convs:
                block += 1
                x = F.relu(conv(x))
                features[f"block{block}"] = x
            if index < len(self.stages) - 1:
                x = F.max_pool2d(x, 2)
        x = torch.amax(x, dim=(2, 3))
        return self.logits(x), features

    def parameters_up_to(self, block):
        """The parameters that feed tap `block<block>` (kdlab's `variablesUpTo`)."""
        convs = [conv for stage in self.stages for conv in stage]
        return [p for conv in convs[:block] for p in conv.parameters()]


class SelfAttention(nn.Module):
    """kdlab's MultiHeadSelfAttention: q, k, v, o projections with bias, softmax(q k^T / sqrt(d)),
    no mask, no dropout; returns the attended states and the attention maps."""

    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.output = (nn.Linear(hidden, hidden) for _ in range(4))

    def forward(self, x):
        batch, seq, hidden = x.shape
        size = hidden // self.heads

        def split(projection):
            return projection(x).view(batch, seq, self.heads, size).transpose(1, 2)

        query, key, value = split(self.query), split(self.key), split(self.value)
        attention = torch.softmax(query @ key.transpose(-1, -2) / math.sqrt(size), dim=-1)
        context = (attention @ value).transpose(1, 2).reshape(batch, seq, hidden)
        return self.output(context), attention


class EncoderLayer(nn.Module):
    """kdlab's encoder layer with `norm: 'post'` (BERT): attention, residual, layer norm, then a GELU
    feed-forward network, residual, layer norm (epsilon 1e-5)."""

    def __init__(self, hidden, heads, feed_forward):
        super().__init__()
        self.attention = SelfAttention(hidden, heads)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-5)
        self.inner = nn.Linear(hidden, feed_forward)
        self.outer = nn.Linear(feed_forward, hidden)
        self.ffn_norm = nn.LayerNorm(hidden, eps=1e-5)

    def forward(self, x):
        attended, attention = self.attention(x)
        y = self.attention_norm(x + attended)
        z = self.ffn_norm(y + self.outer(F.gelu(self.inner(y))))
        return z, attention


class PatchTransformer(nn.Module):
    """kdlab `transformer({ embedding: 'patches', patchSize, hidden, layers, heads })` with its
    defaults (feed-forward 4 * hidden, `[CLS]` pooling, post norm, no dropout): a patch projection
    (conv with kernel and stride patchSize), a `[CLS]` token, learned position embeddings, the
    embedding layer norm, the encoder layers, the `[CLS]` token's state, linear logits."""

    def __init__(self, patch=4, hidden=64, layers=2, heads=4, image=28, in_channels=1, classes=10):
        super().__init__()
        tokens = (image // patch) ** 2 + 1
        self.projection = nn.Conv2d(in_channels, hidden, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, hidden) * 0.02)
        self.position = nn.Parameter(torch.randn(1, tokens, hidden) * 0.02)
        self.embedding_norm = nn.LayerNorm(hidden, eps=1e-5)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, 4 * hidden) for _ in range(layers))
        self.logits = nn.Linear(hidden, classes)

    def forward(self, x):
        tokens = self.projection(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(tokens.shape[0], -1, -1), tokens], dim=1)
        x = self.embedding_norm(x + self.position)
        features = {"embeddings": x}
        for index, layer in enumerate(self.layers):
            x, attention = layer(x)
            features[f"layer{index + 1}.attn"] = attention
            features[f"layer{index + 1}"] = x
        return self.logits(x[:, 0]), features
