// The Checkpoint target: safetensors and PyTorch checkpoint formats.
import Tensor
