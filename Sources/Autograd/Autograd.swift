// The Autograd target: reverse-mode tape over Tensor operations.
import Tensor
