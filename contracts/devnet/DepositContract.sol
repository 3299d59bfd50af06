// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IDepositContract} from "../interfaces/IDepositContract.sol";
import {DepositDataRoot} from "./DepositDataRoot.sol";

/// @title DepositContract (devnet)
/// @notice A local stand-in for the Ethereum deposit contract with mainnet's ABI and behaviour:
/// same checks, same `deposit_data_root` recomputation, same incremental Merkle tree and root,
/// same `DepositEvent`. Written from the consensus spec (`phase0/deposit-contract.md`); only the
/// revert reasons differ (custom errors instead of strings). Never deploy it on a real network:
/// there the canonical deposit contract is used.
contract DepositContract is IDepositContract, IERC165 {
    /*//////////////////////////////////////////////////////////////
                                CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev `DEPOSIT_CONTRACT_TREE_DEPTH` in the consensus spec.
    uint256 private constant TREE_DEPTH = 32;

    /// @dev One leaf is left unused, as on mainnet, so the count always fits the tree's width.
    uint256 private constant MAX_DEPOSIT_COUNT = 2 ** TREE_DEPTH - 1;

    uint256 private constant MIN_DEPOSIT = 1 ether;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev The incremental tree: `branch[h]` is the root of the last complete left subtree of
    /// height `h` still waiting for a right sibling. Slots 0..31 (tests rely on this layout).
    bytes32[TREE_DEPTH] private _branch;

    /// @dev Number of deposits accepted. Slot 32.
    uint256 private _depositCount;

    /*//////////////////////////////////////////////////////////////
                              DEPOSIT LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDepositContract
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable override {
        require(pubkey.length == 48, InvalidPubkeyLength(pubkey.length));
        require(
            withdrawal_credentials.length == 32,
            InvalidWithdrawalCredentialsLength(withdrawal_credentials.length)
        );
        require(signature.length == 96, InvalidSignatureLength(signature.length));
        require(msg.value >= MIN_DEPOSIT, DepositValueTooLow(msg.value));
        require(msg.value % 1 gwei == 0, DepositValueNotMultipleOfGwei(msg.value));
        uint256 amountGwei = msg.value / 1 gwei;
        require(amountGwei <= type(uint64).max, DepositValueTooHigh(msg.value));

        bytes32 computed = DepositDataRoot.compute(
            pubkey,
            withdrawal_credentials,
            signature,
            uint64(amountGwei)
        );
        require(computed == deposit_data_root, DepositDataRootMismatch(computed, deposit_data_root));

        uint256 index = _depositCount;
        require(index < MAX_DEPOSIT_COUNT, MerkleTreeFull(index));
        _insert(computed, index + 1);

        emit DepositEvent(
            pubkey,
            withdrawal_credentials,
            abi.encodePacked(DepositDataRoot.toLittleEndian64(uint64(amountGwei))),
            signature,
            abi.encodePacked(DepositDataRoot.toLittleEndian64(uint64(index)))
        );
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDepositContract
    function get_deposit_root() external view override returns (bytes32) {
        bytes32 node;
        // Root of an all-zero subtree of the current height, computed on the way up instead of kept
        // in 32 storage slots as mainnet does: a precompile call here is a few hundred gas, a cold
        // SLOAD 2,100 (measured: ~24-26k gas per root for small counts).
        bytes32 zero;
        uint256 size = _depositCount;
        for (uint256 height = 0; height < TREE_DEPTH; ++height) {
            if (size & 1 == 1) {
                node = _sha256Pair(_branch[height], node);
            } else {
                node = _sha256Pair(node, zero);
            }
            zero = _sha256Pair(zero, zero);
            size >>= 1;
        }
        // SSZ `mix_in_length`: the count as a little-endian uint256 chunk.
        return
            sha256(
                abi.encodePacked(node, DepositDataRoot.toLittleEndian64(uint64(_depositCount)), bytes24(0))
            );
    }

    /// @inheritdoc IDepositContract
    function get_deposit_count() external view override returns (bytes memory) {
        return abi.encodePacked(DepositDataRoot.toLittleEndian64(uint64(_depositCount)));
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure override returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IDepositContract).interfaceId;
    }

    /*//////////////////////////////////////////////////////////////
                                 INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Appends `leaf` as deposit number `newCount` (1-based). Walks up while the subtree at
    /// this height is complete; the first height whose bit in `newCount` is set is where the
    /// merged node waits for its right sibling. Only O(log n) hashes, one SSTORE per deposit.
    function _insert(bytes32 leaf, uint256 newCount) private {
        _depositCount = newCount;
        bytes32 node = leaf;
        uint256 size = newCount;
        for (uint256 height = 0; height < TREE_DEPTH; ++height) {
            if (size & 1 == 1) {
                _branch[height] = node;
                return;
            }
            node = _sha256Pair(_branch[height], node);
            size >>= 1;
        }
        // Unreachable: newCount < 2**32 always has a set bit below height 32.
        assert(false);
    }

    /// @dev sha256(left ‖ right) through the precompile in scratch space, so the 64 hashes of a
    /// root computation do not grow memory the way `abi.encodePacked` would.
    function _sha256Pair(bytes32 left, bytes32 right) private view returns (bytes32 result) {
        assembly ("memory-safe") {
            mstore(0x00, left)
            mstore(0x20, right)
            // A failed precompile call would leave stale scratch data; never mistake it for a hash.
            if iszero(staticcall(gas(), 0x02, 0x00, 0x40, 0x00, 0x20)) {
                revert(0, 0)
            }
            result := mload(0x00)
        }
    }
}
