"""Reading the JSON-lines splits of ../shared/data, shared by the benchmark scripts."""
import json

import numpy as np


def read_split(folder, split):
    """Return the texts and int64 labels of ``folder/<split>.jsonl``."""
    texts, labels = [], []
    with open(folder / f'{split}.jsonl', encoding='utf-8') as f:
        for line in f:
            record = json.loads(line)
            texts.append(record['text'])
            labels.append(record['label'])
    return texts, np.array(labels, dtype=np.int64)
