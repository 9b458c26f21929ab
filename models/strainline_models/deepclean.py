"""The DeepClean autoencoder (docs/DOMAIN.md section 3): C witness channels in, one channel of
predicted noise out, over 1-s windows at 4096 Hz.

    Conv1d(C->C, k7, s1, p3)
    Conv1d(C->8) -> (8->16) -> (16->32) -> (32->64), each k7, s2, p3      (down to 256 samples)
    ConvTranspose1d(64->32) -> (32->16) -> (16->8) -> (8->C), k7, s2, p3, output_padding 1
    Conv1d(C->1, k7, p3)
every layer but the last followed by BatchNorm1d and Tanh. About 44 k parameters for C = 21.
"""
import torch
from torch import nn


def _block(conv, channels):
    return nn.Sequential(conv, nn.BatchNorm1d(channels), nn.Tanh())


class DeepClean(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.channels = channels
        layers = [_block(nn.Conv1d(channels, channels, 7, 1, 3), channels)]
        widths = [channels, 8, 16, 32, 64]
        for a, b in zip(widths[:-1], widths[1:]):
            layers.append(_block(nn.Conv1d(a, b, 7, 2, 3), b))
        up = [64, 32, 16, 8, channels]
        for a, b in zip(up[:-1], up[1:]):
            layers.append(_block(nn.ConvTranspose1d(a, b, 7, 2, 3, output_padding=1), b))
        self.body = nn.Sequential(*layers)
        self.head = nn.Conv1d(channels, 1, 7, 1, 3)

    def forward(self, x):
        """x: (B, C, K) scaled witnesses -> (B, K) scaled predicted strain noise."""
        return self.head(self.body(x))[:, 0, :]
