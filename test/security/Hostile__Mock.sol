// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

interface IQueueLike {
    function claim(uint256 requestId, address receiver) external returns (uint256);
    function requestRedeem(
        uint256 classId,
        uint256 shares,
        address controller,
        address owner
    ) external returns (uint256);
}

interface IRouterLike {
    function deposit(uint256 classId, address receiver, uint256 minShares) external payable returns (uint256);
    function claimServicePayout() external returns (uint256);
}

interface IBondedLike {
    function registerOperator(
        string calldata name,
        address rewardAddress,
        bytes calldata pubkeys,
        bytes calldata signatures
    ) external payable returns (uint256);
    function withdrawBond(uint256 operatorId, uint256 amount, address to) external;
}

/// @notice A hostile actor for test/security: deposits, redeems, claims, registers as a bonded
/// operator or receives service payouts, and re-enters the call that pays it from receive().
/// `mode` picks what receive() does: 0 accept, 1 reject, 2 re-enter claim, 3 re-enter
/// withdrawBond, 4 re-enter claimServicePayout, 5 re-enter deposit.
contract Hostile__Mock {
    address public target;
    uint8 public mode;
    uint256 public argId;
    uint256 public argAmount;
    uint256 public reentries;
    bool public reentrySucceeded;
    bytes public lastError;

    function setMode(uint8 mode_, address target_, uint256 id, uint256 amount) external {
        (mode, target, argId, argAmount) = (mode_, target_, id, amount);
    }

    function exec(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (mode == 1) revert("Hostile: no ETH");
        if (mode == 0) return;
        ++reentries;
        bool ok;
        bytes memory ret;
        if (mode == 2) {
            (ok, ret) = target.call(abi.encodeCall(IQueueLike.claim, (argId, address(this))));
        } else if (mode == 3) {
            (ok, ret) = target.call(
                abi.encodeCall(IBondedLike.withdrawBond, (argId, argAmount, address(this)))
            );
        } else if (mode == 4) {
            (ok, ret) = target.call(abi.encodeCall(IRouterLike.claimServicePayout, ()));
        }
        // Record, never revert: the outer call must succeed for the attack to "gain" anything.
        if (ok) reentrySucceeded = true;
        else lastError = ret;
    }
}
