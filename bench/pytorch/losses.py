"""kdlab's losses as the bench uses them (packages/losses), in PyTorch."""
import torch.nn.functional as F


def ce(logits, labels):
    """kdlab `ce`: cross-entropy, mean over the batch."""
    return F.cross_entropy(logits, labels)


def hinton(student_logits, teacher_logits, temperature):
    """kdlab `hinton`: T^2 * KL(softmax(t/T) || softmax(s/T)), batch mean."""
    student = F.log_softmax(student_logits / temperature, dim=1)
    teacher = F.log_softmax(teacher_logits.detach() / temperature, dim=1)
    return F.kl_div(student, teacher, log_target=True, reduction="batchmean") * temperature * temperature


def hint(student_tap, teacher_tap, regressor):
    """kdlab `hint` with reduction 'batchmean': (1/B) sum_b 1/2 ||t_b - r(s_b)||^2."""
    return ((teacher_tap.detach() - regressor(student_tap)) ** 2).sum() / (2 * student_tap.shape[0])
