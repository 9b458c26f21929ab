"""The aframe (BBHnet) ResNet1D (docs/DOMAIN.md section 4): whitened H1 and L1 strain in,
one logit out per window.

    stem: Conv1d(2 -> w0, k7, s2, p3) + GroupNorm + ReLU + MaxPool(k3, s2, p1)
    four stages of BasicBlocks (two k3 convolutions with GroupNorm, a residual; the first block
    of stages 2-4 halves the length, with a 1x1 convolution on the shortcut)
    AdaptiveAvgPool1d(1) + Linear(w3 -> 1)

The deployed network uses blocks [3, 4, 6, 3] and widths 64/128/256/512 (GroupNorm(16)), about
7.2 M parameters; the CPU-sized variant trained here uses [1, 1, 1, 1] and 16/32/64/128."""
from torch import nn


def _norm(channels, groups):
    return nn.GroupNorm(min(groups, channels), channels)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, groups):
        super().__init__()
        self.c1 = nn.Conv1d(cin, cout, 3, stride, 1, bias=False)
        self.n1 = _norm(cout, groups)
        self.c2 = nn.Conv1d(cout, cout, 3, 1, 1, bias=False)
        self.n2 = _norm(cout, groups)
        self.act = nn.ReLU()
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv1d(cin, cout, 1, stride, bias=False), _norm(cout, groups))

    def forward(self, x):
        y = self.act(self.n1(self.c1(x)))
        y = self.n2(self.c2(y))
        return self.act(y + (x if self.short is None else self.short(x)))


class ResNet1D(nn.Module):
    def __init__(self, blocks=(3, 4, 6, 3), widths=(64, 128, 256, 512), groups=16, inputs=2):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv1d(inputs, widths[0], 7, 2, 3, bias=False), _norm(widths[0], groups), nn.ReLU(),
                                  nn.MaxPool1d(3, 2, 1))
        layers = []
        cin = widths[0]
        for i, (n, w) in enumerate(zip(blocks, widths)):
            for b in range(n):
                layers.append(BasicBlock(cin, w, 2 if (b == 0 and i > 0) else 1, groups))
                cin = w
        self.body = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(cin, 1)

    def forward(self, x):
        """x: (B, 2, K) whitened strain -> (B, 1) logits."""
        return self.fc(self.pool(self.body(self.stem(x)))[:, :, 0])


def full():
    return ResNet1D()


def small():
    return ResNet1D(blocks=(1, 1, 1, 1), widths=(16, 32, 64, 128), groups=8)
